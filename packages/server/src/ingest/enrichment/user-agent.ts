/**
 * User-agent parsing with ua-parser-js v1 (MIT; v2 is AGPL and must not be used). Parsing costs
 * tens of microseconds and clients send the same few strings again and again, so results are cached.
 */
import { UAParser } from 'ua-parser-js';
import type { Enrichment } from '../../domain/event.js';

export type UserAgentInfo = NonNullable<Enrichment['user_agent']>;

const CACHE_LIMIT = 2_000;
const cache = new Map<string, UserAgentInfo | undefined>();

/** API clients (`curl/8.5.0`, `python-requests/2.31`) are no browsers: their first product token names them. */
const PRODUCT = /^([A-Za-z][\w.-]*)\/([\w.+-]+)/;

function joined(...parts: Array<string | undefined>): string | undefined {
  const text = parts.filter((p) => p !== undefined && p !== '').join(' ');
  return text === '' ? undefined : text;
}

function parse(userAgent: string): UserAgentInfo | undefined {
  const { browser, os, device } = new UAParser(userAgent).getResult();
  let { name, version } = browser;
  if (name === undefined) {
    const product = PRODUCT.exec(userAgent);
    if (product && product[1] !== 'Mozilla') [name, version] = [product[1], product[2]];
  }
  // Members in JCS order, so sealing never copies a cached answer to reorder it.
  const info: UserAgentInfo = {};
  const deviceText = joined(device.vendor, device.model) ?? device.type;
  if (deviceText !== undefined) info.device = deviceText;
  if (name !== undefined) info.name = name;
  const osText = joined(os.name, os.version);
  if (osText !== undefined) info.os = osText;
  if (version !== undefined) info.version = version;
  return Object.keys(info).length > 0 ? info : undefined;
}

/** Browser name and version, OS and device of a User-Agent string; undefined when nothing is recognised. */
export function parseUserAgent(userAgent: string): UserAgentInfo | undefined {
  if (cache.has(userAgent)) return cache.get(userAgent);
  const info = parse(userAgent);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(userAgent, info);
  return info;
}

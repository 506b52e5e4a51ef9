/**
 * Enrichment at ingest (DESIGN §4): geo-IP of context.ip and the parsed context.user_agent are
 * written into the body's `enrichment` before it is sealed, so they are sealed like the rest.
 * The geo database is opened once, asynchronously; lookups and parsing are synchronous and
 * cached, so an enriched ingest costs microseconds.
 *
 * context.ip and context.user_agent are personal fields (sealed as salted commitments); what is
 * derived from them here (city, region, coordinates, browser) is not personal by default and is
 * sealed in clear, so it stays readable after the subject's ip and user agent are erased.
 */
import type { EventBody, Enrichment } from '../../domain/event.js';
import { openBundledGeoDatabase, openGeoDatabaseFile, type GeoDatabase } from './geoip.js';
import { publicAddress } from './ip-address.js';
import { parseUserAgent } from './user-agent.js';

/** TRAILKEEP_GEOIP_DB: a path to an MMDB City file, `off`, or unset for the bundled DB-IP Lite. */
export type GeoSetting = string | undefined;

export interface Enricher {
  /** Opens the geo database (once); rejects if it cannot be read. */
  ready(): Promise<void>;
  /** True once ready() has resolved: enrich() may then be called. */
  isReady(): boolean;
  /** Where geo data comes from, or undefined when geo-IP is off. */
  geoSource(): string | undefined;
  /** The body with `enrichment` computed from its context; the same body when nothing applies. */
  enrich(body: EventBody): EventBody;
}

export function createEnricher(options: { geoDatabase?: GeoSetting } = {}): Enricher {
  const setting = options.geoDatabase;
  let geo: GeoDatabase | undefined;
  let loaded = false;
  let loading: Promise<void> | undefined;

  async function load(): Promise<void> {
    if (setting === 'off') geo = undefined;
    else geo = setting === undefined ? await openBundledGeoDatabase() : await openGeoDatabaseFile(setting);
    loaded = true;
  }

  return {
    ready() {
      loading ??= load();
      return loading;
    },
    isReady: () => loaded,
    geoSource: () => geo?.source,
    enrich(body) {
      const context = body.context;
      if (context === undefined || (context.ip === undefined && context.user_agent === undefined)) return body;
      const enrichment: Enrichment = {};
      const address = context.ip === undefined ? undefined : publicAddress(context.ip);
      const location = address === undefined ? undefined : geo?.lookup(address);
      if (location !== undefined) enrichment.geo = location;
      const agent = context.user_agent === undefined ? undefined : parseUserAgent(context.user_agent);
      if (agent !== undefined) enrichment.user_agent = agent;
      return Object.keys(enrichment).length > 0 ? { ...body, enrichment } : body;
    },
  };
}

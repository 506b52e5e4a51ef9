/**
 * A deterministic, realistic audit trail for the query scenarios. Skewed distributions matter more
 * than volume: an index on a filter that matches 10% of rows behaves very differently from one
 * matching 0.01%, so actors, targets, actions and words are all Zipf-like, as in production logs.
 */
import { createRandom, hash32, pick, randomInt, weightedSampler, zipfSampler } from './random.js';
import { VOCABULARY } from './vocabulary.js';

/** ~40 actions over 8 resource types; earlier verbs of a type are more frequent. */
export const RESOURCES = [
  {
    type: 'document',
    category: 'content',
    weight: 30,
    targets: 24_500,
    verbs: ['read', 'update', 'create', 'share', 'comment', 'export', 'delete'],
  },
  {
    type: 'folder',
    category: 'content',
    weight: 8,
    targets: 4000,
    verbs: ['read', 'create', 'rename', 'move', 'delete'],
  },
  {
    type: 'user',
    category: 'identity',
    weight: 18,
    targets: 0, // users are the actors themselves
    verbs: ['login', 'logout', 'mfa_verify', 'password_change', 'invite', 'role_change', 'delete'],
  },
  {
    type: 'team',
    category: 'identity',
    weight: 5,
    targets: 500,
    verbs: ['update', 'member_add', 'member_remove', 'create'],
  },
  {
    type: 'project',
    category: 'workspace',
    weight: 12,
    targets: 2000,
    verbs: ['read', 'update', 'create', 'archive', 'delete'],
  },
  { type: 'invoice', category: 'billing', weight: 6, targets: 12_000, verbs: ['view', 'create', 'pay', 'refund'] },
  { type: 'api_key', category: 'security', weight: 4, targets: 1500, verbs: ['create', 'rotate', 'revoke'] },
  {
    type: 'integration',
    category: 'integrations',
    weight: 7,
    targets: 500,
    verbs: ['sync', 'configure', 'connect', 'disconnect'],
  },
];

export const ACTOR_COUNT = 5000;
/** Timestamps spread evenly over these 30 days, so occurred_at ranges select predictable slices. */
export const TIME_START = Date.UTC(2025, 0, 1);
export const TIME_SPAN_MS = 30 * 24 * 3600 * 1000;

const SELF_VERBS = new Set(['login', 'logout', 'mfa_verify', 'password_change']);
const HIGH_VERBS = new Set(['delete', 'revoke', 'role_change', 'refund', 'rotate', 'disconnect']);
const QUIET_VERBS = new Set(['read', 'view', 'sync', 'logout']);
const OUTCOMES = ['success', 'failure', 'error', 'unknown'];
const FAILURES = ['permission denied', 'invalid credentials', 'quota exceeded', 'resource locked', 'validation failed'];
const ERRORS = ['upstream timeout', 'internal error', 'storage unavailable'];
const CLIENTS = ['web', 'ios', 'android', 'cli', 'api'];
const REGIONS = ['eu-west-1', 'eu-central-1', 'us-east-1', 'us-west-2', 'ap-southeast-1'];
const USER_AGENTS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148',
  'okhttp/4.12.0',
];

/** A routable-looking IPv4 address (first octet 1..223, never 127), stable for a given number. */
function ipOf(n) {
  const h = hash32(n);
  const first = 1 + (h % 222);
  return `${first === 127 ? 128 : first}.${(h >>> 8) & 255}.${(h >>> 16) & 255}.${(h >>> 24) & 255}`;
}

/**
 * Creates the generator. Events come out in batches, in order; `sample` keeps ~2,000 of them spread
 * over the whole run, so query scenarios ask for values that exist, weighted as the data is.
 */
export function createDataset({ count, seed }) {
  const random = createRandom(seed);
  const resourceOf = weightedSampler(RESOURCES.map((r) => r.weight));
  const verbOf = RESOURCES.map((r) => zipfSampler(r.verbs.length, 1));
  const targetOf = RESOURCES.map((r) => (r.targets > 0 ? zipfSampler(r.targets, 0.8) : null));
  const actorOf = zipfSampler(ACTOR_COUNT, 0.9);
  const wordOf = zipfSampler(VOCABULARY.length, 1);
  const outcomeOf = weightedSampler([92, 6, 1.5, 0.5]);
  // Each actor's current session; a new one starts now and then, so sessions hold ~20 events.
  const sessions = new Uint32Array(ACTOR_COUNT);
  const sampleEvery = Math.max(1, Math.floor(count / 2000));
  const sample = [];
  let next = 0;

  const words = (min, max) =>
    Array.from({ length: min + randomInt(random, max - min + 1) }, () => VOCABULARY[wordOf(random)]).join(' ');

  function makeEvent(i) {
    const a = actorOf(random);
    const service = a % 50 === 7; // 2% of actors are machines
    const actor = service
      ? { type: 'service', id: `svc_${a}`, name: `${VOCABULARY[a % VOCABULARY.length]} worker` }
      : { type: 'user', id: `user_${a}`, email: `user${a}@example.org` };
    const r = resourceOf(random);
    const resource = RESOURCES[r];
    const verb = resource.verbs[verbOf[r](random)];
    const targetId =
      resource.type !== 'user'
        ? `${resource.type}_${targetOf[r](random)}`
        : SELF_VERBS.has(verb)
          ? actor.id
          : `user_${actorOf(random)}`;
    const outcome = OUTCOMES[outcomeOf(random)];
    let severity = HIGH_VERBS.has(verb) ? 'high' : QUIET_VERBS.has(verb) ? 'none' : 'low';
    if (outcome !== 'success') severity = severity === 'high' ? 'critical' : 'medium';
    if (random() < 0.05) sessions[a]++;
    const roaming = random() < 0.15; // travelling or on mobile data: not the usual address
    const occurredAt = TIME_START + Math.floor((i * TIME_SPAN_MS) / count) + randomInt(random, 240_000) - 120_000;
    const event = {
      id: `evt_${i.toString(36).padStart(5, '0')}`,
      action: `${resource.type}.${verb}`,
      timestamp: new Date(occurredAt).toISOString(),
      outcome,
      category: resource.category,
      severity,
      summary: `${verb.replace('_', ' ')} ${resource.type}: ${words(2, 6)}`,
      actor,
      resource: { type: resource.type, id: targetId },
      context: {
        ip: roaming ? ipOf(1_000_000 + randomInt(random, 10_000)) : ipOf(a),
        session_id: `ses_${a}_${sessions[a]}`,
        request_id: `req_${i.toString(36)}`,
        user_agent: service ? 'trailkeep-sync/2.3' : USER_AGENTS[a % USER_AGENTS.length],
      },
      metadata: { note: words(4, 10), client: CLIENTS[a % CLIENTS.length], region: pick(random, REGIONS) },
    };
    if (outcome === 'failure') event.error_message = pick(random, FAILURES);
    if (outcome === 'error') event.error_message = pick(random, ERRORS);
    if (i % sampleEvery === 0) {
      sample.push({
        action: event.action,
        type: resource.type,
        category: resource.category,
        actorId: actor.id,
        targetId,
        sessionId: event.context.session_id,
        ip: event.context.ip,
        occurredAt,
      });
    }
    return event;
  }

  return {
    count,
    sample,
    /** The next `size` events (fewer at the end, none once all `count` were produced). */
    nextBatch(size) {
      const batch = [];
      while (batch.length < size && next < count) batch.push(makeEvent(next++));
      return batch;
    },
  };
}

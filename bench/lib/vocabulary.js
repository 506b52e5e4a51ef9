/**
 * Words for summaries and metadata notes. The order is the frequency rank: the dataset draws them
 * with a Zipf distribution, so the first words are in most events and the last ones in very few,
 * which gives `q=` both cheap-to-find and needle-in-a-haystack terms.
 */
const WORDS = `
  review draft request approved weekly customer access report quarterly
  budget shared pending final version meeting notes client policy roadmap
  release contract renewal onboarding migration backup compliance
  retention forecast proposal agenda escalation incident support ticket feedback design
  sprint planning launch campaign marketing analytics dashboard metrics revenue pipeline
  vendor partner legal audit evidence control owner reviewer approver deadline milestone
  priority blocker dependency webhook token credential rotation
  group template checklist handbook guideline standard procedure runbook
  outage recovery failover latency capacity limit usage payout payment
  discount subscription trial upgrade downgrade cancellation churn winback
  survey interview research prototype wireframe mockup specification requirement estimate
  contractor freelancer hiring candidate offer salary payroll benefits expense receipt
  travel reimbursement laptop hardware license software inventory asset procurement
  shipment warehouse logistics supplier catalog pricing tier bundle promotion coupon
  newsletter announcement press interview keynote webinar conference booth sponsor
  translation localization accessibility performance benchmark regression hotfix patch
  rollback deployment staging production sandbox cluster database replica snapshot
  encryption certificate firewall gateway endpoint slo throttling sampling
  telemetry tracing logging alerting paging oncall postmortem timeline remediation
  stakeholder executive board investor memo minutes resolution bylaws charter mandate
  grant scholarship donation fundraiser volunteer outreach community forum moderation
  spam abuse appeal takedown copyright trademark patent disclosure whistleblower
  sanctions screening diligence kyc fraud chargeback dispute arbitration settlement
  lighthouse aurora nebula quasar meridian solstice equinox zenith horizon cascade
  glacier tundra savanna archipelago fjord estuary delta canyon plateau monsoon
  harbor beacon compass sextant astrolabe chronometer ledger abacus quill parchment
  vellum codex folio manuscript palimpsest colophon marginalia rubric incunabula
  gazetteer almanac compendium anthology concordance lexicon thesaurus glossary
  apricot bergamot cardamom damson elderflower fennel galangal hibiscus juniper
  kumquat lemongrass mandarin nutmeg oregano pomelo quince rhubarb saffron tamarind
  umeboshi vanilla wasabi yuzu zedoary obsidian porphyry quartzite rhyolite serpentine
  travertine basalt gneiss schist feldspar malachite lapis jasper onyx peridot
  xylophone yodel zither ocarina theremin harpsichord dulcimer bandoneon celesta
`;

export const VOCABULARY = [...new Set(WORDS.trim().split(/\s+/))];

// In-memory storage for oidc-provider models.
//
// oidc-provider's bundled memory adapter is an LRU capped at 1000 entries and offers no way to
// enumerate what it holds. The sandbox needs both an unbounded store (a benchmark runs many
// connects) and enumeration (POST /__sandbox/revoke-grants must find every grant, token and
// session of one user). Nothing here ever touches the disk.

const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);

const SWEEP_EVERY_WRITES = 1000;

const nowSeconds = () => Math.floor(Date.now() / 1000);

export class MemoryStore {
  constructor() {
    this.models = new Map(); // model name -> Map(id -> { payload, expiresAt })
    this.grantMembers = new Map(); // grantId -> Set of `${model}\n${id}`
    this.writes = 0;
  }

  table(model) {
    if (!this.models.has(model)) this.models.set(model, new Map());
    return this.models.get(model);
  }

  // Returns the live payload or undefined; expired entries are dropped on the way.
  get(model, id) {
    const entry = this.table(model).get(id);
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= nowSeconds()) {
      this.delete(model, id);
      return undefined;
    }
    return entry.payload;
  }

  set(model, id, payload, expiresIn) {
    this.writes += 1;
    if (this.writes % SWEEP_EVERY_WRITES === 0) this.sweep();
    this.delete(model, id);
    const expiresAt = typeof expiresIn === 'number' ? nowSeconds() + expiresIn : undefined;
    this.table(model).set(id, { payload, expiresAt });
    const { grantId } = payload;
    if (GRANTABLE.has(model) && grantId) {
      if (!this.grantMembers.has(grantId)) this.grantMembers.set(grantId, new Set());
      this.grantMembers.get(grantId).add(`${model}\n${id}`);
    }
  }

  delete(model, id) {
    const entry = this.table(model).get(id);
    if (!entry) return false;
    this.table(model).delete(id);
    const grantId = entry.payload.grantId;
    if (GRANTABLE.has(model) && grantId) this.grantMembers.get(grantId)?.delete(`${model}\n${id}`);
    return true;
  }

  // Removes the tokens issued under a grant (of one model, or of all models when none is
  // named); returns how many were removed.
  deleteGrantMembers(grantId, onlyModel = undefined) {
    const members = this.grantMembers.get(grantId) ?? new Set();
    let removed = 0;
    for (const member of [...members]) {
      const [model, id] = member.split('\n');
      if (onlyModel !== undefined && model !== onlyModel) continue;
      if (this.delete(model, id)) removed += 1;
    }
    if (onlyModel === undefined || members.size === 0) this.grantMembers.delete(grantId);
    return removed;
  }

  // Drops expired entries so a long benchmark run does not grow the heap without bound.
  sweep() {
    for (const model of this.models.keys()) {
      for (const id of [...this.table(model).keys()]) this.get(model, id);
    }
    for (const [grantId, members] of this.grantMembers) {
      if (members.size === 0) this.grantMembers.delete(grantId);
    }
  }

  // Every live [id, payload] of a model, for enumeration by the control API.
  *entries(model) {
    for (const id of [...this.table(model).keys()]) {
      const payload = this.get(model, id);
      if (payload !== undefined) yield [id, payload];
    }
  }

  findIdBy(model, field, value) {
    for (const [id, payload] of this.entries(model)) {
      if (payload[field] === value) return id;
    }
    return undefined;
  }
}

// The adapter class oidc-provider instantiates once per model name.
export function createAdapterFactory(store) {
  return class SandboxAdapter {
    constructor(model) {
      this.model = model;
    }

    async upsert(id, payload, expiresIn) {
      store.set(this.model, id, payload, expiresIn);
    }

    async find(id) {
      return store.get(this.model, id);
    }

    async findByUid(uid) {
      const id = store.findIdBy(this.model, 'uid', uid);
      return id === undefined ? undefined : store.get(this.model, id);
    }

    async findByUserCode(userCode) {
      const id = store.findIdBy(this.model, 'userCode', userCode);
      return id === undefined ? undefined : store.get(this.model, id);
    }

    async consume(id) {
      const payload = store.get(this.model, id);
      if (payload) payload.consumed = nowSeconds();
    }

    async destroy(id) {
      store.delete(this.model, id);
    }

    async revokeByGrantId(grantId) {
      store.deleteGrantMembers(grantId, this.model);
    }
  };
}

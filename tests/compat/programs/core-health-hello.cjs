// compat: backends=native
// Pattern: service health endpoints built on @ruvector/core's hello(), getHealth(),
// getMetrics() (Prometheus text) and version().
const assert = require('node:assert/strict');
const core = require('@ruvector/core');

assert.equal(typeof core.hello(), 'string');
assert.ok(core.hello().length > 0);
const h = core.getHealth();
assert.ok(['healthy', 'degraded', 'unhealthy'].includes(h.status), JSON.stringify(h));
assert.equal(h.version, core.version());
assert.equal(typeof h.uptimeSeconds, 'number');
const metrics = core.getMetrics();
assert.equal(typeof metrics, 'string');
assert.match(metrics, /^# (HELP|TYPE) /m, 'Prometheus exposition text');

// The shared contract suite (tests/js/contract.mjs) against this package.
import { createRequire } from 'node:module';
import { contractSuite } from '../../../tests/js/contract.mjs';

const require = createRequire(import.meta.url);

contractSuite('@ruvector/core (native)', async () => ({
  ...require('..'),
  capabilities: { durable: true },
}));

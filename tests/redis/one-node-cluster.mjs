// A one-node Redis Cluster for the JS tests: Debian's redis-server with the module
// (ruvector-redis.so) holding all 16384 slots, on 127.0.0.1:`port`, its files in `dir`,
// no persistence. Waits (at most ~10 s per step) until it answers and reports
// cluster_state:ok. -> {cli(...args) (redis-cli, trimmed output), stop()}.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';

export async function startOneNodeCluster({ port, module, dir }) {
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '',
    '--appendonly', 'no', '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf',
    '--logfile', path.join(dir, 'redis.log'), '--loadmodule', path.resolve(module)], { stdio: 'ignore' });
  const stop = () => {
    if (server.exitCode === null) server.kill('SIGKILL');
  };
  const cli = (...args) => String(spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8', timeout: 10000 }).stdout).trim();
  const until = async (what, fn) => {
    for (let i = 0; i < 100; i++) {
      if (fn()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    stop();
    throw new Error(`timed out waiting for ${what} (log: ${path.join(dir, 'redis.log')})`);
  };
  await until('the server', () => cli('PING') === 'PONG');
  cli('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
  await until('cluster_state:ok', () => cli('CLUSTER', 'INFO').includes('cluster_state:ok'));
  return { cli, stop };
}

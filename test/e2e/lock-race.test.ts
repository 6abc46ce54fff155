// Simultaneous starts, as separate processes: in every round exactly one takes the lock, also
// when the round starts from a stale lock (dead PID, reused PID, another boot, empty file).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { linuxProcesses } from '../../lib/lock/proc.ts';
import { PROJECT_ROOT, tempDir } from '../support/env.ts';

const ROUNDS = 50;
const WORKERS = 3;

test(`${ROUNDS} rounds of ${WORKERS} simultaneous starts: exactly one proceeds each round; stale locks are taken over by exactly one`, async () => {
  const dir = tempDir('race');
  const lockFile = path.join(dir, 'state/sync.lock');
  const barrier = path.join(dir, 'barrier');
  fs.mkdirSync(barrier, { recursive: true });
  fs.mkdirSync(path.dirname(lockFile), { recursive: true });
  const procs = linuxProcesses();
  const dead = execa('true');
  await dead;
  const base = { host: os.hostname(), bootId: procs.bootId(), startTicks: 1, startedAt: new Date().toISOString() };
  const stale = [
    undefined,
    JSON.stringify({ ...base, pid: dead.pid }),
    JSON.stringify({ ...base, pid: 1, startTicks: procs.info(1)!.startTicks + 7 }),
    JSON.stringify({
      ...base,
      pid: process.pid,
      startTicks: procs.info(process.pid)!.startTicks,
      bootId: 'a-boot-before-this-one',
    }),
    '',
  ];
  const workers = Array.from({ length: WORKERS }, (_, w) =>
    execa(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(PROJECT_ROOT, 'test/support/lock-worker.ts'),
        lockFile,
        barrier,
        String(w),
        String(ROUNDS),
        String(WORKERS),
      ],
      { cwd: PROJECT_ROOT, reject: false },
    ),
  );
  const tally = { rounds: 0, won: 0, held: 0, staleRounds: 0 };
  for (let r = 0; r < ROUNDS; r++) {
    const seed = stale[r % stale.length];
    if (seed !== undefined) {
      fs.writeFileSync(lockFile, seed);
      tally.staleRounds++;
    }
    fs.writeFileSync(path.join(barrier, `go-${r}`), '');
    const deadline = Date.now() + 30_000;
    while (
      !Array.from({ length: WORKERS }, (_, w) => fs.existsSync(path.join(barrier, `done-${r}-w${w}`))).every(Boolean)
    ) {
      if (Date.now() > deadline) assert.unreachable(`round ${r} did not finish`);
      await new Promise((res) => setTimeout(res, 2));
    }
    const outcomes = Array.from({ length: WORKERS }, (_, w) =>
      fs.readFileSync(path.join(barrier, `r${r}-w${w}`), 'utf8'),
    );
    assert.is(
      outcomes.filter((o) => o === 'won').length,
      1,
      `round ${r} (${seed === undefined ? 'no lock' : 'stale lock'}): ${outcomes.join(', ')}`,
    );
    assert.is(outcomes.filter((o) => o === 'held').length, WORKERS - 1, `round ${r}: ${outcomes.join(', ')}`);
    assert.not.ok(fs.existsSync(lockFile), `round ${r}: released`);
    tally.rounds++;
    tally.won++;
    tally.held += WORKERS - 1;
  }
  for (const w of workers) assert.is((await w).exitCode, 0);
  assert.equal(fs.readdirSync(path.dirname(lockFile)), [], 'no temp or takeover files left');
  console.log(
    `  lock race: ${tally.rounds} rounds x ${WORKERS} processes: ${tally.won} won, ${tally.held} refused (exit-4 path), ${tally.staleRounds} rounds started from a stale lock`,
  );
});

test.run();

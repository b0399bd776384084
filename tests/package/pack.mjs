// `npm pack` of the project into a fresh temporary project, installed from
// the tarball as a user would: what the package tests build on.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../js/helpers.mjs';

export const run = (command, args, cwd) =>
  execFileSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });

/** A temporary project with the packed wamix installed; `t.after` removes it. Returns its folder. */
export function installPacked(t, name) {
  const dir = mkdtempSync(join(tmpdir(), `wamix-${name}-`));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  run('npm', ['pack', '--silent', '--pack-destination', dir], ROOT);
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', `./${tarball}`], dir);
  return dir;
}

import fs from 'fs';
import process from 'process';
import os from 'os';
import path from 'path';
import { glob } from 'glob';
import { PLUGIN_JSON, SOURCE_DIR } from './constants.ts';

export function isWSL() {
  if (process.platform !== 'linux') {
    return false;
  }

  if (os.release().toLowerCase().includes('microsoft')) {
    return true;
  }

  try {
    return fs.readFileSync('/proc/version', 'utf8').toLowerCase().includes('microsoft');
  } catch {
    return false;
  }
}

function loadJson(path: string) {
  const rawJson = fs.readFileSync(path, 'utf8');
  return JSON.parse(rawJson);
}

export function getPackageJson() {
  return loadJson(path.resolve(process.cwd(), 'package.json'));
}

export function getPluginJson() {
  // Storelens: the single plugin.json is at the repository root (see constants.ts).
  return loadJson(path.resolve(process.cwd(), PLUGIN_JSON));
}

export function getCPConfigVersion() {
  const cprcJson = path.resolve(process.cwd(), './.config', '.cprc.json');
  return fs.existsSync(cprcJson) ? loadJson(cprcJson).version : { version: 'unknown' };
}

export function hasReadme() {
  return fs.existsSync(path.resolve(process.cwd(), SOURCE_DIR, 'README.md'));
}

// Storelens: one plugin, whose plugin.json is at the repository root, so the only entry is src/module.ts(x).
export async function getEntries() {
  const modules = await glob(`${SOURCE_DIR}/module.{ts,tsx,js,jsx}`, { absolute: true });
  if (modules.length !== 1) {
    throw new Error(`expected exactly one ${SOURCE_DIR}/module.{ts,tsx,js,jsx}, found ${modules.length}`);
  }
  return { module: modules[0] };
}

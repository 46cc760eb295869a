import { CAOptions, CASettings, DEFAULT_SETTINGS } from './types';

/** An error message per setting that has an invalid value. */
export type SettingsErrors = Partial<Record<keyof CASettings, string>>;

/**
 * The settings in force: jsonData's values, with the default for each one it leaves out or leaves
 * blank. Text is trimmed, as the backend trims it.
 */
export function effectiveSettings(jsonData: CAOptions): CASettings {
  const settings = { ...DEFAULT_SETTINGS };
  for (const key of Object.keys(DEFAULT_SETTINGS) as Array<keyof CASettings>) {
    let value = jsonData[key];
    if (typeof value === 'string') {
      value = value.trim();
    }
    if (value !== undefined && value !== null && value !== '') {
      Object.assign(settings, { [key]: value });
    }
  }
  return settings;
}

/**
 * Checks the settings with the backend's rules (pkg/settings), so that a mistake shows beside its
 * field before the user saves. Only settings with an error have an entry.
 */
export function validateSettings(s: CASettings): SettingsErrors {
  const errors: SettingsErrors = {};
  const check = (key: keyof CASettings, message: string | undefined) => {
    if (message && !errors[key]) {
      errors[key] = message;
    }
  };

  check('port', integerIn(s.port, 1, 65535));
  check('maxOpenConns', integerIn(s.maxOpenConns, 1, 1000));
  check('statementTimeoutSeconds', numberIn(s.statementTimeoutSeconds, 1, 3600));
  check('cacheTTLSeconds', numberIn(s.cacheTTLSeconds, 0, 3600));
  check('connectTimeoutSeconds', numberIn(s.connectTimeoutSeconds, 0.1, 600));

  if (new TextEncoder().encode(s.schema).length > 63) {
    check('schema', 'A PostgreSQL schema name has at most 63 bytes');
  }
  if (!isTimeZone(s.timeZone)) {
    check('timeZone', 'Not a known IANA time zone, e.g. UTC or Europe/Berlin');
  }
  if (!/^[A-Z]{3}$/.test(s.currency)) {
    check('currency', 'Use a three-letter ISO 4217 code, e.g. USD');
  }

  check('newBuyerLookbackDays', integerIn(s.newBuyerLookbackDays, 0, 36600));
  // The backend checks the fixed days even when the thresholds are automatic.
  check('atRiskDays', integerIn(s.atRiskDays, 1, 36600));
  check('lapsedDays', integerIn(s.lapsedDays, 1, 36600));
  if (s.atRiskDays >= s.lapsedDays) {
    check('atRiskDays', `Must be fewer days than lapsed (${s.lapsedDays})`);
  }

  check('valueBandLow', positive(s.valueBandLow));
  check('valueBandHigh', positive(s.valueBandHigh));
  check('valueBandVeryHigh', positive(s.valueBandVeryHigh));
  if (s.valueBandLow >= s.valueBandHigh) {
    check('valueBandLow', `Must be below the high band (${s.valueBandHigh})`);
  }
  if (s.valueBandHigh >= s.valueBandVeryHigh) {
    check('valueBandHigh', `Must be below the very high band (${s.valueBandVeryHigh})`);
  }

  check('devicePriceEdges', edgesError(s.devicePriceEdges));
  check('rfmScale', integerIn(s.rfmScale, 3, 10));
  check('clvHorizonDays', integerIn(s.clvHorizonDays, 1, 3650));
  if (!Number.isFinite(s.clvDiscountRate) || s.clvDiscountRate < 0 || s.clvDiscountRate > 1) {
    check('clvDiscountRate', 'Must be a yearly rate from 0 to 1, e.g. 0.1 for 10 % (0: undiscounted)');
  }
  return errors;
}

/** Parses device-price edges typed as a list such as "150, 300, 600". Empty text means the default. */
export function parseEdges(text: string): { edges?: number[]; error?: string } {
  const parts = text
    .split(/[\s,;]+/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length === 0) {
    return {};
  }
  const bad = parts.find((p) => !Number.isFinite(Number(p)));
  if (bad !== undefined) {
    return { error: `Not a number: ${bad}` };
  }
  return { edges: parts.map(Number) };
}

/** Formats edges the way parseEdges reads them. */
export function formatEdges(edges: number[] | undefined): string {
  return edges ? edges.join(', ') : '';
}

function edgesError(edges: number[]): string | undefined {
  if (edges.length === 0) {
    return 'Enter at least one edge';
  }
  if (edges.some((e) => !Number.isFinite(e) || e <= 0)) {
    return 'Edges must be positive numbers';
  }
  for (let i = 1; i < edges.length; i++) {
    if (edges[i] <= edges[i - 1]) {
      return 'Edges must be in ascending order, without repeats';
    }
  }
  return undefined;
}

function integerIn(value: number, min: number, max: number): string | undefined {
  if (!Number.isInteger(value) || value < min || value > max) {
    return `Must be a whole number from ${min} to ${max}`;
  }
  return undefined;
}

function numberIn(value: number, min: number, max: number): string | undefined {
  if (!Number.isFinite(value) || value < min || value > max) {
    return `Must be a number from ${min} to ${max}`;
  }
  return undefined;
}

function positive(value: number): string | undefined {
  if (!Number.isFinite(value) || value <= 0) {
    return 'Must be a number above 0';
  }
  return undefined;
}

function isTimeZone(name: string): boolean {
  if (name.trim() === '') {
    return false;
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

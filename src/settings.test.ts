import { effectiveSettings, parseEdges, SettingsErrors, validateSettings } from './settings';
import { CAOptions, DEFAULT_SETTINGS } from './types';

describe('effectiveSettings', () => {
  it('takes the default for every setting jsonData leaves out or leaves empty', () => {
    expect(effectiveSettings({})).toEqual(DEFAULT_SETTINGS);
    expect(effectiveSettings({ host: '', port: 6432 })).toEqual({ ...DEFAULT_SETTINGS, port: 6432 });
    expect(DEFAULT_SETTINGS).toMatchObject({ clvHorizonDays: 365, clvDiscountRate: 0 });
    expect(effectiveSettings({ clvDiscountRate: 0.08 })).toEqual({ ...DEFAULT_SETTINGS, clvDiscountRate: 0.08 });
    expect(effectiveSettings({ schema: '  ', timeZone: ' Europe/Berlin ' })).toEqual({
      ...DEFAULT_SETTINGS,
      timeZone: 'Europe/Berlin',
    });
  });
});

describe('validateSettings', () => {
  const cases: Array<{ name: string; jsonData: CAOptions; errors: SettingsErrors }> = [
    { name: 'defaults are valid', jsonData: {}, errors: {} },
    { name: 'look-back of 0 means all history', jsonData: { newBuyerLookbackDays: 0 }, errors: {} },
    {
      name: 'port out of range',
      jsonData: { port: 70000 },
      errors: { port: 'Must be a whole number from 1 to 65535' },
    },
    {
      name: 'fractional pool size',
      jsonData: { maxOpenConns: 2.5 },
      errors: { maxOpenConns: 'Must be a whole number from 1 to 1000' },
    },
    {
      name: 'unknown time zone',
      jsonData: { timeZone: 'Mars/Olympus' },
      errors: { timeZone: 'Not a known IANA time zone, e.g. UTC or Europe/Berlin' },
    },
    {
      name: 'schema name too long',
      jsonData: { schema: 'x'.repeat(64) },
      errors: { schema: 'A PostgreSQL schema name has at most 63 bytes' },
    },
    { name: 'IANA time zone', jsonData: { timeZone: 'Europe/Berlin' }, errors: {} },
    {
      name: 'currency not ISO 4217',
      jsonData: { currency: 'EURO' },
      errors: { currency: 'Use a three-letter ISO 4217 code, e.g. USD' },
    },
    {
      name: 'at risk equal to lapsed',
      jsonData: { atRiskDays: 385 },
      errors: { atRiskDays: 'Must be fewer days than lapsed (385)' },
    },
    {
      name: 'connect timeout below 0.1 s',
      jsonData: { connectTimeoutSeconds: 0.05 },
      errors: { connectTimeoutSeconds: 'Must be a number from 0.1 to 600' },
    },
    { name: 'fractional statement timeout', jsonData: { statementTimeoutSeconds: 2.5 }, errors: {} },
    { name: 'cache off', jsonData: { cacheTTLSeconds: 0 }, errors: {} },
    {
      name: 'cache longer than an hour',
      jsonData: { cacheTTLSeconds: 4000 },
      errors: { cacheTTLSeconds: 'Must be a number from 0 to 3600' },
    },
    {
      name: 'high band above very high',
      jsonData: { valueBandHigh: 3 },
      errors: { valueBandHigh: 'Must be below the very high band (2.5)' },
    },
    {
      name: 'low band not positive',
      jsonData: { valueBandLow: -1 },
      errors: { valueBandLow: 'Must be a number above 0' },
    },
    {
      name: 'edges repeat',
      jsonData: { devicePriceEdges: [150, 150, 600] },
      errors: { devicePriceEdges: 'Edges must be in ascending order, without repeats' },
    },
    { name: 'one edge is enough', jsonData: { devicePriceEdges: [500] }, errors: {} },
    {
      name: 'RFM scale too small',
      jsonData: { rfmScale: 2 },
      errors: { rfmScale: 'Must be a whole number from 3 to 10' },
    },
    { name: 'predicted CLV over ten years', jsonData: { clvHorizonDays: 3650, clvDiscountRate: 0.1 }, errors: {} },
    {
      name: 'predicted CLV over one day, undiscounted',
      jsonData: { clvHorizonDays: 1, clvDiscountRate: 0 },
      errors: {},
    },
    {
      name: 'predicted CLV horizon of 0 days',
      jsonData: { clvHorizonDays: 0 },
      errors: { clvHorizonDays: 'Must be a whole number from 1 to 3650' },
    },
    {
      name: 'predicted CLV horizon beyond ten years',
      jsonData: { clvHorizonDays: 3651 },
      errors: { clvHorizonDays: 'Must be a whole number from 1 to 3650' },
    },
    {
      name: 'fractional predicted CLV horizon',
      jsonData: { clvHorizonDays: 182.5 },
      errors: { clvHorizonDays: 'Must be a whole number from 1 to 3650' },
    },
    {
      name: 'discount rate as a percentage',
      jsonData: { clvDiscountRate: 10 },
      errors: { clvDiscountRate: 'Must be a yearly rate from 0 to 1, e.g. 0.1 for 10 % (0: undiscounted)' },
    },
    {
      name: 'negative discount rate',
      jsonData: { clvDiscountRate: -0.05 },
      errors: { clvDiscountRate: 'Must be a yearly rate from 0 to 1, e.g. 0.1 for 10 % (0: undiscounted)' },
    },
  ];

  it.each(cases)('$name', ({ jsonData, errors }) => {
    expect(validateSettings(effectiveSettings(jsonData))).toEqual(errors);
  });
});

describe('parseEdges', () => {
  it.each([
    { text: '', result: {} },
    { text: '  ', result: {} },
    { text: '150, 300,600 1000', result: { edges: [150, 300, 600, 1000] } },
    { text: '99.5;200', result: { edges: [99.5, 200] } },
    { text: '150, x', result: { error: 'Not a number: x' } },
  ])('"$text"', ({ text, result }) => {
    expect(parseEdges(text)).toEqual(result);
  });
});

import { CoreApp, DataQueryRequest, VariableSupportType } from '@grafana/data';
import { of } from 'rxjs';

import { DataSource } from './datasource';
import { VariableQueryEditor } from './components/VariableQueryEditor';
import { dataSourceWithResources, instanceSettings, STORES } from './testUtils';
import { CAQuery, DEFAULT_QUERY } from './types';
import { CAVariableSupport } from './variables';

// A dashboard with a single-value variable, a multi-value one and one with nothing selected.
const VARIABLES: Record<string, string | string[]> = {
  comparison: 'offset_28d',
  view: 'summary',
  group: 'active',
  account: '7',
  accounts: ['1', '2'],
  stores: ['london', 'paris'],
  store: 'berlin',
  key: 'color',
  event: 'won_back',
  dim: 'persona',
  none: [],
};

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getTemplateSrv: () => ({
    // Like Grafana's: a multi-value variable goes through the format function as an array; without
    // one it is written as {a,b}.
    replace: (text: string, _scopedVars: unknown, format?: (value: string | string[]) => string) =>
      text.replace(/\$(\w+)/g, (match, name: string) => {
        const value = VARIABLES[name];
        if (value === undefined) {
          return match;
        }
        if (format) {
          return format(value);
        }
        return Array.isArray(value) ? `{${value.join(',')}}` : value;
      }),
  }),
}));

describe('DataSource', () => {
  const ds = new DataSource(instanceSettings);

  it('starts new queries as a buyers summary compared with the previous period', () => {
    expect(ds.getDefaultQuery(CoreApp.PanelEditor)).toEqual({
      queryType: 'buyers',
      view: 'summary',
      comparison: 'previous_period',
    });
    expect(ds.getDefaultQuery(CoreApp.PanelEditor)).toBe(DEFAULT_QUERY);
  });

  it('interpolates dashboard variables in the string fields', () => {
    const query: CAQuery = {
      refId: 'A',
      queryType: 'followers',
      view: '$view',
      comparison: '$comparison' as never,
      group: '$group' as never,
      channel: 'source',
      topN: 10,
      perAccount: true,
    };
    expect(ds.applyTemplateVariables(query, {})).toEqual({
      refId: 'A',
      queryType: 'followers',
      view: 'summary',
      comparison: 'offset_28d',
      group: 'active',
      channel: 'source',
      topN: 10,
      perAccount: true,
    });
  });

  it('expands a multi-value variable in accounts into one account per value', () => {
    const query: CAQuery = { refId: 'A', queryType: 'followers', accounts: ['$accounts', '9', '$account', '2'] };
    expect(ds.applyTemplateVariables(query, {}).accounts).toEqual(['1', '2', '9', '7']);
  });

  it('expands a multi-value variable in stores into one store per value', () => {
    const query: CAQuery = {
      refId: 'A',
      queryType: 'customer_events',
      view: 'orders',
      stores: ['$stores', 'rome', '$store', 'paris'],
    };
    expect(ds.applyTemplateVariables(query, {}).stores).toEqual(['london', 'paris', 'rome', 'berlin']);
    expect(ds.applyTemplateVariables({ ...query, stores: ['$none'] }, {}).stores).toEqual([]);
    expect(ds.applyTemplateVariables({ refId: 'A', queryType: 'customer_events' }, {})).not.toHaveProperty('stores');
  });

  it('interpolates the string fields of the customer events and segments', () => {
    const orders: CAQuery = {
      refId: 'A',
      queryType: 'customer_events',
      view: 'orders',
      event: '$event' as never,
      groupBy: 'product_attribute',
      attributeKey: '$key',
      topN: 50,
    };
    expect(ds.applyTemplateVariables(orders, {})).toEqual({ ...orders, event: 'won_back', attributeKey: 'color' });
    const trend: CAQuery = { refId: 'A', queryType: 'customer_events', view: 'trend', metric: '$event' };
    expect(ds.applyTemplateVariables(trend, {}).metric).toBe('won_back');
    const matrix: CAQuery = {
      refId: 'A',
      queryType: 'segments',
      view: 'matrix',
      dimension: '$dim' as never,
      dimension2: '$dim' as never,
    };
    expect(ds.applyTemplateVariables(matrix, {})).toEqual({ ...matrix, dimension: 'persona', dimension2: 'persona' });
    const snapshot: CAQuery = { refId: 'A', queryType: 'value_bands', measure: '$measure' as never };
    expect(ds.applyTemplateVariables(snapshot, {}).measure).toBe('$measure');
  });

  it('interpolates the string fields of predicted CLV and keeps its numbers', () => {
    const segments: CAQuery = {
      refId: 'A',
      queryType: 'clv',
      view: 'segments',
      dimension: '$dim' as never,
      metric: 'predicted_clv',
      unit: '$unit' as never,
      horizonDays: 180,
    };
    expect(ds.applyTemplateVariables(segments, {})).toEqual({ ...segments, dimension: 'persona' });
    const atRisk: CAQuery = { refId: 'A', queryType: 'clv', view: 'at_risk', limit: 20, maxProbabilityAlive: 0.3 };
    expect(ds.applyTemplateVariables(atRisk, {})).toEqual(atRisk);
  });

  it('leaves accounts empty (all accounts) when a variable has nothing selected', () => {
    const query: CAQuery = { refId: 'A', queryType: 'followers', accounts: ['$none'] };
    expect(ds.applyTemplateVariables(query, {}).accounts).toEqual([]);
  });

  it('interpolates the list and accounts of a variable query', () => {
    const query: CAQuery = { refId: 'A', queryType: 'variables', list: 'content', accounts: ['$account'] };
    expect(ds.applyTemplateVariables(query, {})).toEqual({ ...query, accounts: ['7'] });
  });

  it('leaves fields that are not set unset', () => {
    expect(ds.applyTemplateVariables({ refId: 'A' }, {})).toStrictEqual({ refId: 'A' });
  });

  it('skips hidden queries', () => {
    expect(ds.filterQuery({ refId: 'A', ...DEFAULT_QUERY })).toBe(true);
    expect(ds.filterQuery({ refId: 'A', ...DEFAULT_QUERY, hide: true })).toBe(false);
  });

  it('asks the backend resources for lists, content narrowed to some accounts', async () => {
    const { ds, getResource } = dataSourceWithResources([{ value: '5', text: 'Launch LIVE' }]);
    await expect(ds.listOptions('accounts')).resolves.toEqual([{ value: '5', text: 'Launch LIVE' }]);
    expect(getResource).toHaveBeenLastCalledWith('accounts', undefined, { showErrorAlert: false });
    await expect(ds.listOptions('stores')).resolves.toEqual(STORES);
    expect(getResource).toHaveBeenLastCalledWith('stores', undefined, { showErrorAlert: false });
    await ds.listOptions('content', ['1', '2']);
    expect(getResource).toHaveBeenLastCalledWith('content', { account: ['1', '2'] }, { showErrorAlert: false });
  });
});

describe('variable support', () => {
  const ds = new DataSource(instanceSettings);
  const variables = ds.variables as CAVariableSupport;

  it('is custom variable support with its own editor', () => {
    expect(variables).toBeInstanceOf(CAVariableSupport);
    expect(variables.getType()).toBe(VariableSupportType.Custom);
    expect(variables.editor).toBe(VariableQueryEditor);
    expect(variables.getDefaultQuery()).toEqual({ queryType: 'variables', list: 'accounts' });
  });

  it('runs variable queries through the backend as query type variables', () => {
    const query = jest.spyOn(ds, 'query').mockReturnValue(of({ data: [] }));
    const request = {
      targets: [
        // A saved variable, with the panel defaults Grafana merges in.
        { refId: 'A', queryType: 'variables', list: 'content', accounts: ['1'], view: 'summary' },
        // A new variable that was never edited.
        '',
      ],
    } as unknown as DataQueryRequest<CAQuery>;
    variables.query(request);
    expect(query).toHaveBeenCalledWith({
      targets: [
        { refId: 'A', queryType: 'variables', list: 'content', accounts: ['1'] },
        { refId: 'variables', queryType: 'variables', list: 'accounts' },
      ],
    });
  });
});

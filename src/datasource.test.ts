import { CoreApp, DataSourceInstanceSettings, PluginMetaInfo, PluginType } from '@grafana/data';

import { DataSource } from './datasource';
import { CAOptions, CAQuery, DEFAULT_QUERY } from './types';

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getTemplateSrv: () => ({
    replace: (text: string) => text.replace('$comparison', 'offset_28d').replace('$view', 'summary'),
  }),
}));

const instanceSettings: DataSourceInstanceSettings<CAOptions> = {
  id: 1,
  uid: 'ca',
  type: 'storelens-customeranalytics-datasource',
  name: 'Customer Analytics',
  access: 'proxy',
  readOnly: false,
  jsonData: {},
  meta: {
    id: 'storelens-customeranalytics-datasource',
    name: 'Customer Analytics',
    type: PluginType.datasource,
    module: '',
    baseUrl: '',
    info: {} as PluginMetaInfo,
  },
};

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
    const query: CAQuery = { refId: 'A', queryType: 'buyers', view: '$view', comparison: '$comparison' as never };
    expect(ds.applyTemplateVariables(query, {})).toEqual({
      refId: 'A',
      queryType: 'buyers',
      view: 'summary',
      comparison: 'offset_28d',
    });
  });

  it('leaves fields that are not set unset', () => {
    expect(ds.applyTemplateVariables({ refId: 'A' }, {})).toEqual({
      refId: 'A',
      queryType: undefined,
      view: undefined,
      comparison: undefined,
    });
  });

  it('skips hidden queries', () => {
    expect(ds.filterQuery({ refId: 'A', ...DEFAULT_QUERY })).toBe(true);
    expect(ds.filterQuery({ refId: 'A', ...DEFAULT_QUERY, hide: true })).toBe(false);
  });
});

import { DataSourceInstanceSettings, PluginMetaInfo, PluginType } from '@grafana/data';

import { DataSource, ListOption } from './datasource';
import { CAOptions } from './types';

// Shared by the unit tests: a datasource instance whose backend resources are mocked.

export const instanceSettings: DataSourceInstanceSettings<CAOptions> = {
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

export const ACCOUNTS: ListOption[] = [
  { value: '1', text: 'Storelens Official (official)' },
  { value: '2', text: 'Chef Mia (channel)' },
];

/** A datasource whose getResource answers with `accounts`, or fails with `error` if given. */
export function dataSourceWithResources(accounts: ListOption[] = ACCOUNTS, error?: unknown) {
  const ds = new DataSource(instanceSettings);
  const getResource = jest
    .spyOn(ds, 'getResource')
    .mockImplementation(() => (error === undefined ? Promise.resolve(accounts) : Promise.reject(error)));
  return { ds, getResource };
}

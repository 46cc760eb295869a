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

/** The backend's `stores` resource: value and text are the store id. */
export const STORES: ListOption[] = [
  { value: 'london', text: 'london' },
  { value: 'paris', text: 'paris' },
];

/**
 * A datasource whose getResource answers resource `stores` with `stores` and any other with
 * `accounts`, or fails with `error` if given.
 */
export function dataSourceWithResources(accounts: ListOption[] = ACCOUNTS, error?: unknown, stores = STORES) {
  const ds = new DataSource(instanceSettings);
  const getResource = jest
    .spyOn(ds, 'getResource')
    .mockImplementation((path: string) =>
      error === undefined ? Promise.resolve(path === 'stores' ? stores : accounts) : Promise.reject(error)
    );
  return { ds, getResource };
}

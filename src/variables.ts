import { CustomVariableSupport, DataQueryRequest } from '@grafana/data';

import { VariableQueryEditor } from './components/VariableQueryEditor';
import type { DataSource } from './datasource';
import { toVariableQuery } from './queryModel';
import { CAQuery, DEFAULT_VARIABLE_QUERY } from './types';

/**
 * Query variables of this datasource: their own editor (a list to choose) and queries that run
 * through the backend as query type 'variables', whose frame has the text and value fields
 * Grafana takes the variable's options from.
 */
export class CAVariableSupport extends CustomVariableSupport<DataSource, CAQuery> {
  editor = VariableQueryEditor;

  constructor(private readonly datasource: DataSource) {
    super();
  }

  getDefaultQuery(): Partial<CAQuery> {
    return DEFAULT_VARIABLE_QUERY;
  }

  query(request: DataQueryRequest<CAQuery>) {
    // A variable that was never edited holds an empty string rather than a query object.
    return this.datasource.query({ ...request, targets: request.targets.map(toVariableQuery) });
  }
}

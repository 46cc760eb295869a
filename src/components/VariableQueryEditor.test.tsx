import React from 'react';
import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { dataSourceWithResources } from '../testUtils';
import { CAQuery } from '../types';
import { VariableQueryEditor } from './VariableQueryEditor';
import { toVariableQuery } from '../queryModel';

// Clicking through Grafana's selects takes about a second; leave room for a busy CI machine.
jest.setTimeout(15000);

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getTemplateSrv: () => ({ getVariables: () => [{ name: 'account' }], replace: (s: string) => s }),
}));

/** Renders the editor as Grafana does: `query` is an empty string for a new variable. */
async function renderEditor(query: CAQuery | string) {
  const { ds, getResource } = dataSourceWithResources();
  const onChange = jest.fn();
  await act(async () => {
    render(<VariableQueryEditor datasource={ds} query={query as CAQuery} onChange={onChange} onRunQuery={jest.fn()} />);
  });
  return { onChange, getResource };
}

describe('VariableQueryEditor', () => {
  it('starts a new variable on the accounts list', async () => {
    await renderEditor('');
    expect(screen.getByLabelText('Accounts')).toBeChecked();
    expect(document.querySelector('input[aria-label="Accounts"][role="combobox"]')).not.toBeInTheDocument();
  });

  it('emits a variables query for the chosen list', async () => {
    const { onChange } = await renderEditor({ refId: 'A', queryType: 'variables', list: 'accounts' });
    await userEvent.click(screen.getByLabelText('Stores'));
    expect(onChange).toHaveBeenCalledWith({ refId: 'A', queryType: 'variables', list: 'stores' });
  });

  it('drops the panel defaults Grafana merges into the variable query', async () => {
    const { onChange } = await renderEditor({
      refId: 'A',
      queryType: 'variables',
      list: 'stores',
      view: 'summary',
      comparison: 'previous_period',
    });
    await userEvent.click(screen.getByLabelText('Content'));
    expect(onChange).toHaveBeenCalledWith({ refId: 'A', queryType: 'variables', list: 'content' });
  });

  it('narrows content to accounts loaded from the backend', async () => {
    const { onChange, getResource } = await renderEditor({ refId: 'A', queryType: 'variables', list: 'content' });
    expect(getResource).toHaveBeenCalledWith('accounts', undefined, { showErrorAlert: false });
    await userEvent.click(document.querySelector<HTMLElement>('input[aria-label="Accounts"][role="combobox"]')!);
    await userEvent.click(await screen.findByText('Chef Mia (channel)'));
    expect(onChange).toHaveBeenCalledWith({ refId: 'A', queryType: 'variables', list: 'content', accounts: ['2'] });
  });
});

describe('dimension lists', () => {
  it('keeps a dimension for dimension values and none for the other lists', () => {
    expect(toVariableQuery({ refId: 'A', list: 'dimension_values' })).toEqual({
      refId: 'A',
      queryType: 'variables',
      list: 'dimension_values',
      dimension: 'lifecycle_status',
    });
    expect(toVariableQuery({ refId: 'A', list: 'dimension_values', dimension: 'country' }).dimension).toBe('country');
    expect(toVariableQuery({ refId: 'A', list: 'dimensions', dimension: 'country' })).toEqual({
      refId: 'A',
      queryType: 'variables',
      list: 'dimensions',
    });
  });
});

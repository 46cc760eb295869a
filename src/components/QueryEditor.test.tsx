import React from 'react';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { DataSource } from '../datasource';
import { CAQuery, DEFAULT_QUERY } from '../types';
import { QueryEditor } from './QueryEditor';

function renderEditor(query: CAQuery) {
  const onChange = jest.fn();
  const onRunQuery = jest.fn();
  render(<QueryEditor datasource={{} as DataSource} query={query} onChange={onChange} onRunQuery={onRunQuery} />);
  return { onChange, onRunQuery };
}

describe('QueryEditor', () => {
  it('shows the default query', () => {
    renderEditor({ refId: 'A', ...DEFAULT_QUERY });
    expect(screen.getByText('Buyers')).toBeInTheDocument();
    expect(screen.getByLabelText('Summary')).toBeChecked();
    expect(screen.getByText('Previous period')).toBeInTheDocument();
  });

  it('sets the query type and its first view, then runs the query', async () => {
    const { onChange, onRunQuery } = renderEditor({ refId: 'A' });
    expect(screen.queryByLabelText('Summary')).not.toBeInTheDocument();

    await userEvent.click(screen.getByLabelText('Query type'));
    await userEvent.click(await screen.findByText('Buyers'));

    expect(onChange).toHaveBeenCalledWith({ refId: 'A', queryType: 'buyers', view: 'summary' });
    expect(onRunQuery).toHaveBeenCalled();
  });

  it('changes the view', async () => {
    const { onChange } = renderEditor({ refId: 'A', queryType: 'buyers' });
    await userEvent.click(screen.getByLabelText('Summary'));
    expect(onChange).toHaveBeenCalledWith({ refId: 'A', queryType: 'buyers', view: 'summary' });
  });

  it('changes the comparison', async () => {
    const { onChange, onRunQuery } = renderEditor({ refId: 'A', ...DEFAULT_QUERY });
    await userEvent.click(screen.getByLabelText('Compare with'));
    await userEvent.click(await screen.findByText('1 year earlier'));
    expect(onChange).toHaveBeenCalledWith({ refId: 'A', ...DEFAULT_QUERY, comparison: 'offset_1y' });
    expect(onRunQuery).toHaveBeenCalled();
  });

  it('keeps a query type it does not offer, such as a dashboard variable', () => {
    renderEditor({ refId: 'A', queryType: '$type' as CAQuery['queryType'] });
    expect(screen.getByText('$type')).toBeInTheDocument();
  });
});

import React from 'react';
import { act, render, RenderResult, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { DataSource } from '../datasource';
import { dataSourceWithResources } from '../testUtils';
import { CAQuery, DEFAULT_QUERY } from '../types';
import { QueryEditor } from './QueryEditor';

// Clicking through Grafana's selects takes about a second; leave room for a busy CI machine.
jest.setTimeout(15000);

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getTemplateSrv: () => ({ getVariables: () => [{ name: 'account' }], replace: (s: string) => s }),
}));

/** Renders the editor and lets the accounts finish loading. */
async function renderEditor(query: CAQuery, ds: DataSource = dataSourceWithResources().ds) {
  const onChange = jest.fn();
  const onRunQuery = jest.fn();
  let result: RenderResult | undefined;
  await act(async () => {
    result = render(<QueryEditor datasource={ds} query={query} onChange={onChange} onRunQuery={onRunQuery} />);
  });
  return { onChange, onRunQuery, ...result! };
}

/** The radio group of this label. (Role queries are slow on Grafana's components, so look it up directly.) */
function radioGroup(label: string): HTMLElement | null {
  return document.querySelector(`[role="radiogroup"][aria-label="${label}"]`);
}

/** Whether the editor shows the field of this label: a radio group, a select, an input or a switch. */
function shown(label: string): boolean {
  return radioGroup(label) !== null || screen.queryAllByLabelText(label).length > 0;
}

const ALL_FIELDS = [
  'Accounts',
  'Compare with',
  'Bucket',
  'Per account',
  'Buyers',
  'Followers',
  'Channel',
  'Content kind',
  'Rank by',
  'Top N',
  'Dimension',
  'Second dimension',
  'Event',
  'Group by',
  'Attribute key',
  'Stores',
  'Field',
  'Measure',
  'Limit',
  'P(active) below',
  'Horizon (days)',
  'Time unit',
];

describe('QueryEditor', () => {
  it('shows the default query', async () => {
    await renderEditor({ refId: 'A', ...DEFAULT_QUERY });
    expect(screen.getByText('Buyers')).toBeInTheDocument();
    expect(screen.getByLabelText('Summary')).toBeChecked();
    expect(screen.getByText('Previous period')).toBeInTheDocument();
  });

  it('sets the query type, its first view and the defaults of its options, then runs the query', async () => {
    const { onChange, onRunQuery } = await renderEditor({ refId: 'A' });
    expect(screen.queryByLabelText('Summary')).not.toBeInTheDocument();

    await userEvent.click(screen.getByLabelText('Query type'));
    await userEvent.click(await screen.findByText('Followers'));

    expect(onChange).toHaveBeenCalledWith({
      refId: 'A',
      queryType: 'followers',
      view: 'summary',
      accounts: [],
      comparison: 'previous_period',
    });
    expect(onRunQuery).toHaveBeenCalled();
  });

  it.each<[Partial<CAQuery>, string[]]>([
    [{ queryType: 'buyers', view: 'summary' }, ['Compare with']],
    [{ queryType: 'buyers', view: 'trend' }, ['Bucket', 'Compare with']],
    [{ queryType: 'buyers', view: 'channels' }, ['Content kind', 'Rank by', 'Top N']],
    [{ queryType: 'buyers', view: 'products' }, ['Rank by', 'Top N']],
    [{ queryType: 'buyers', view: 'profile' }, ['Buyers', 'Dimension']],
    [{ queryType: 'followers', view: 'summary' }, ['Accounts', 'Compare with']],
    [{ queryType: 'followers', view: 'trend' }, ['Accounts', 'Bucket', 'Per account', 'Compare with']],
    [{ queryType: 'followers', view: 'channels', channel: 'source' }, ['Accounts', 'Followers', 'Channel']],
    [
      { queryType: 'followers', view: 'channels', channel: 'content' },
      ['Accounts', 'Followers', 'Channel', 'Content kind', 'Top N'],
    ],
    [{ queryType: 'followers', view: 'profile' }, ['Accounts', 'Followers', 'Dimension']],
    [{ queryType: 'customer_events' }, ['Compare with']],
    [{ queryType: 'customer_events', view: 'summary' }, ['Compare with']],
    [{ queryType: 'customer_events', view: 'trend' }, ['Bucket', 'Event', 'Compare with']],
    [{ queryType: 'customer_events', view: 'new_returning_lapsed' }, ['Compare with']],
    [{ queryType: 'customer_events', view: 'orders' }, ['Event', 'Group by', 'Stores', 'Top N']],
    [
      { queryType: 'customer_events', view: 'orders', groupBy: 'product_attribute' },
      ['Event', 'Group by', 'Attribute key', 'Stores', 'Top N'],
    ],
    [
      { queryType: 'customer_events', view: 'orders', groupBy: '$group' as never },
      ['Event', 'Group by', 'Attribute key', 'Stores', 'Top N'],
    ],
    [{ queryType: 'segments' }, ['Dimension', 'Field']],
    [{ queryType: 'segments', view: 'breakdown' }, ['Dimension', 'Field']],
    [{ queryType: 'segments', view: 'matrix' }, ['Dimension', 'Second dimension']],
    [{ queryType: 'value_bands' }, ['Measure']],
    [{ queryType: 'value_bands', view: 'snapshot' }, ['Measure']],
    [{ queryType: 'value_bands', view: 'breakdown' }, ['Field']],
    [{ queryType: 'personas' }, []],
    [{ queryType: 'personas', view: 'revenue' }, []],
    [{ queryType: 'personas', view: 'by_stage' }, []],
    [{ queryType: 'personas', view: 'breakdown' }, ['Field']],
    [{ queryType: 'personas', view: 'scores' }, []],
    [{ queryType: 'clv' }, ['Limit', 'Horizon (days)', 'Time unit']],
    [{ queryType: 'clv', view: 'customers' }, ['Limit', 'Horizon (days)', 'Time unit']],
    [{ queryType: 'clv', view: 'at_risk' }, ['P(active) below', 'Limit', 'Horizon (days)', 'Time unit']],
    [{ queryType: 'clv', view: 'segments' }, ['Dimension', 'Field', 'Horizon (days)', 'Time unit']],
    [{ queryType: 'clv', view: 'total' }, ['Horizon (days)', 'Time unit']],
    [{ queryType: 'clv', view: 'fit' }, ['Time unit']],
    [{ queryType: 'clv', view: 'holdout' }, ['Time unit']],
  ])('%j shows %j and nothing else', async (query, expected) => {
    await renderEditor({ refId: 'A', ...query });
    for (const label of ALL_FIELDS) {
      expect([label, shown(label)]).toEqual([label, expected.includes(label)]);
    }
  });

  it('offers the profile dimensions of each query type', async () => {
    const { unmount } = await renderEditor({ refId: 'A', queryType: 'buyers', view: 'profile' });
    await userEvent.click(screen.getByLabelText('Dimension'));
    expect(await screen.findByText('Follower status')).toBeInTheDocument();
    expect(screen.queryByText('Buyer status')).not.toBeInTheDocument();
    unmount();

    await renderEditor({ refId: 'A', queryType: 'followers', view: 'profile' });
    await userEvent.click(screen.getByLabelText('Dimension'));
    expect(await screen.findByText('Buyer status')).toBeInTheDocument();
    expect(screen.queryByText('Follower status')).not.toBeInTheDocument();
  });

  it('offers the content ranking that fits the followers group', async () => {
    const { unmount } = await renderEditor({ refId: 'A', queryType: 'followers', view: 'channels', group: 'new' });
    const channel = () => within(radioGroup('Channel')!);
    expect(channel().getByLabelText('Content')).toBeInTheDocument();
    expect(channel().queryByLabelText('Viewed content')).not.toBeInTheDocument();
    unmount();

    await renderEditor({ refId: 'A', queryType: 'followers', view: 'channels', group: 'active' });
    expect(channel().getByLabelText('Viewed content')).toBeInTheDocument();
    expect(channel().queryByLabelText('Content')).not.toBeInTheDocument();
  });

  it('resets the options when the view changes, keeping those the new view shares', async () => {
    const { onChange, onRunQuery } = await renderEditor({
      refId: 'A',
      queryType: 'buyers',
      view: 'channels',
      contentKind: 'live',
      rankBy: 'new',
      topN: 25,
    });
    await userEvent.click(screen.getByLabelText('Profile'));
    expect(onChange).toHaveBeenLastCalledWith({
      refId: 'A',
      queryType: 'buyers',
      view: 'profile',
      group: 'all',
      dimension: 'age_band',
    });
    await userEvent.click(screen.getByLabelText('Products'));
    expect(onChange).toHaveBeenLastCalledWith({
      refId: 'A',
      queryType: 'buyers',
      view: 'products',
      rankBy: 'new',
      topN: 25,
    });
    expect(onRunQuery).toHaveBeenCalledTimes(2);
  });

  it('resets the channel when the followers group no longer fits it', async () => {
    const { onChange } = await renderEditor({
      refId: 'A',
      queryType: 'followers',
      view: 'channels',
      accounts: ['1'],
      group: 'new',
      channel: 'content',
      contentKind: 'video',
      topN: 5,
    });
    await userEvent.click(within(radioGroup('Followers')!).getByLabelText('Active'));
    expect(onChange).toHaveBeenCalledWith({
      refId: 'A',
      queryType: 'followers',
      view: 'channels',
      accounts: ['1'],
      group: 'active',
      channel: 'source',
    });
  });

  it('changes a select option and runs the query', async () => {
    const { onChange, onRunQuery } = await renderEditor({ refId: 'A', ...DEFAULT_QUERY });
    await userEvent.click(screen.getByLabelText('Compare with'));
    await userEvent.click(await screen.findByText('1 year earlier'));
    expect(onChange).toHaveBeenCalledWith({ refId: 'A', ...DEFAULT_QUERY, comparison: 'offset_1y' });
    expect(onRunQuery).toHaveBeenCalled();
  });

  it('changes a radio option', async () => {
    const { onChange } = await renderEditor({ refId: 'A', queryType: 'buyers', view: 'trend' });
    await userEvent.click(screen.getByLabelText('Week'));
    expect(onChange).toHaveBeenCalledWith({
      refId: 'A',
      queryType: 'buyers',
      view: 'trend',
      bucket: 'week',
      comparison: 'previous_period',
    });
  });

  it('switches per-account series on', async () => {
    const { onChange } = await renderEditor({ refId: 'A', queryType: 'followers', view: 'trend', perAccount: false });
    await userEvent.click(screen.getByLabelText('Per account'));
    expect(onChange).toHaveBeenCalledWith(expect.objectContaining({ view: 'trend', perAccount: true }));
  });

  it('checks Top N and applies it when the field loses focus', async () => {
    const { onChange, onRunQuery } = await renderEditor({
      refId: 'A',
      queryType: 'buyers',
      view: 'products',
      rankBy: 'all',
    });
    const topN = screen.getByLabelText('Top N');
    expect(topN).toHaveValue(10);

    await userEvent.clear(topN);
    await userEvent.type(topN, '1001');
    expect(screen.getByText('Enter a whole number from 1 to 1000')).toBeInTheDocument();
    await userEvent.tab();
    expect(onChange).not.toHaveBeenCalled();

    await userEvent.clear(topN);
    await userEvent.type(topN, '0');
    expect(screen.getByText('Enter a whole number from 1 to 1000')).toBeInTheDocument();

    await userEvent.clear(topN);
    await userEvent.type(topN, '25');
    expect(screen.queryByText('Enter a whole number from 1 to 1000')).not.toBeInTheDocument();
    expect(onChange).not.toHaveBeenCalled();
    await userEvent.tab();
    expect(onChange).toHaveBeenCalledWith({
      refId: 'A',
      queryType: 'buyers',
      view: 'products',
      rankBy: 'all',
      topN: 25,
    });
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('offers the accounts the backend lists and the dashboard variables', async () => {
    const { ds, getResource } = dataSourceWithResources();
    const { onChange } = await renderEditor(
      { refId: 'A', queryType: 'followers', view: 'summary', accounts: ['2'] },
      ds
    );
    expect(getResource).toHaveBeenCalledWith('accounts', undefined, { showErrorAlert: false });
    // The chosen account shows by name once the accounts are loaded.
    expect(await screen.findByText('Chef Mia (channel)')).toBeInTheDocument();

    await userEvent.click(screen.getByLabelText('Accounts'));
    expect(await screen.findByText('$account')).toBeInTheDocument();
    await userEvent.click(screen.getByText('Storelens Official (official)'));
    expect(onChange).toHaveBeenCalledWith({
      refId: 'A',
      queryType: 'followers',
      view: 'summary',
      accounts: ['2', '1'],
      comparison: 'previous_period',
    });
  });

  it('says why the accounts could not be loaded', async () => {
    const { ds } = dataSourceWithResources([], {
      status: 400,
      data: { error: 'the database has no accounts relation' },
    });
    await renderEditor({ refId: 'A', queryType: 'followers', view: 'summary' }, ds);
    expect(
      await screen.findByText(
        'Could not load the accounts (the database has no accounts relation). You can still type account ids or $variables.'
      )
    ).toBeInTheDocument();
  });

  it('offers the new query types with their labels', async () => {
    await renderEditor({ refId: 'A' });
    await userEvent.click(screen.getByLabelText('Query type'));
    for (const label of ['Customer events', 'Segments', 'Value bands', 'RFM personas', 'Predicted CLV']) {
      expect(await screen.findByText(label)).toBeInTheDocument();
    }
  });

  it.each<[string, CAQuery]>([
    ['Customer events', { refId: 'A', queryType: 'customer_events', view: 'summary', comparison: 'previous_period' }],
    ['Segments', { refId: 'A', queryType: 'segments', view: 'breakdown', dimension: 'lifecycle_status', metric: '' }],
    ['Value bands', { refId: 'A', queryType: 'value_bands', view: 'snapshot', measure: 'contacts' }],
    ['RFM personas', { refId: 'A', queryType: 'personas', view: 'revenue' }],
    ['Predicted CLV', { refId: 'A', queryType: 'clv', view: 'customers', limit: 100, horizonDays: 0, unit: 'week' }],
  ])('switches to %s: its first view with its defaults', async (label, expected) => {
    const { onChange } = await renderEditor({ refId: 'A', ...DEFAULT_QUERY });
    await userEvent.click(screen.getByLabelText('Query type'));
    await userEvent.click(await screen.findByText(label));
    expect(onChange).toHaveBeenCalledWith(expected);
  });

  it('shows the views of each new query type', async () => {
    const views: Array<[CAQuery['queryType'], string[]]> = [
      ['customer_events', ['Summary', 'Trend', 'New, returning, lapsed', 'Orders']],
      ['segments', ['Breakdown', 'Matrix']],
      ['value_bands', ['Snapshot', 'Breakdown']],
      ['personas', ['Revenue', 'By stage', 'Breakdown', 'Scores']],
      ['clv', ['Customers', 'At risk', 'Customer base', 'Segments', 'Fit', 'Holdout']],
    ];
    for (const [queryType, labels] of views) {
      const { unmount } = await renderEditor({ refId: 'A', queryType });
      const group = within(radioGroup('View')!);
      expect(group.getAllByRole('radio').map((r) => r.closest('div')?.textContent?.trim())).toEqual(labels);
      expect(group.getByLabelText(labels[0])).toBeChecked();
      unmount();
    }
  });

  it('starts the customer events orders at the top 50 groups, keeping 10 for the buyers', async () => {
    const { onChange, unmount } = await renderEditor({ refId: 'A', queryType: 'customer_events', view: 'summary' });
    await userEvent.click(screen.getByLabelText('Orders'));
    expect(onChange).toHaveBeenLastCalledWith({
      refId: 'A',
      queryType: 'customer_events',
      view: 'orders',
      event: 'unique_customers',
      groupBy: 'product',
      stores: [],
      topN: 50,
    });
    unmount();

    await renderEditor({ refId: 'A', queryType: 'customer_events', view: 'orders' });
    expect(screen.getByLabelText('Top N')).toHaveValue(50);
  });

  it('chooses the event of the trend, or all events', async () => {
    const { onChange } = await renderEditor({ refId: 'A', queryType: 'customer_events', view: 'trend' });
    expect(screen.getByText('All events')).toBeInTheDocument();
    await userEvent.click(screen.getByLabelText('Event'));
    await userEvent.click(await screen.findByText('Won back'));
    expect(onChange).toHaveBeenCalledWith({
      refId: 'A',
      queryType: 'customer_events',
      view: 'trend',
      bucket: 'auto',
      metric: 'won_back',
      comparison: 'previous_period',
    });
  });

  it('asks for an attribute key only when the orders are grouped by a product attribute', async () => {
    const orders: CAQuery = {
      refId: 'A',
      queryType: 'customer_events',
      view: 'orders',
      event: 'saved',
      groupBy: 'product',
      stores: [],
      topN: 50,
    };
    const { onChange, unmount } = await renderEditor(orders);
    expect(screen.queryByLabelText('Attribute key')).not.toBeInTheDocument();
    await userEvent.click(screen.getByLabelText('Group by'));
    await userEvent.click(await screen.findByText('Product attribute'));
    expect(onChange).toHaveBeenCalledWith({ ...orders, groupBy: 'product_attribute', attributeKey: '' });
    unmount();

    const { onChange: onChange2, unmount: unmount2 } = await renderEditor({
      ...orders,
      groupBy: 'product_attribute',
      attributeKey: '',
    });
    const key = screen.getByLabelText('Attribute key');
    expect(screen.getByText('Enter the attribute key to group by, such as color')).toBeInTheDocument();
    await userEvent.type(key, ' color ');
    expect(screen.queryByText('Enter the attribute key to group by, such as color')).not.toBeInTheDocument();
    expect(onChange2).not.toHaveBeenCalled();
    await userEvent.tab();
    expect(onChange2).toHaveBeenCalledWith({ ...orders, groupBy: 'product_attribute', attributeKey: 'color' });
    unmount2();

    // Grouping by something else drops the key.
    const { onChange: onChange3 } = await renderEditor({
      ...orders,
      groupBy: 'product_attribute',
      attributeKey: 'color',
    });
    expect(screen.getByLabelText('Attribute key')).toHaveValue('color');
    await userEvent.click(screen.getByLabelText('Group by'));
    await userEvent.click(await screen.findByText('Coupon code'));
    expect(onChange3).toHaveBeenCalledWith({ ...orders, groupBy: 'coupon_code' });
  });

  it('offers the stores the backend lists and the dashboard variables', async () => {
    const { ds, getResource } = dataSourceWithResources();
    const orders: CAQuery = {
      refId: 'A',
      queryType: 'customer_events',
      view: 'orders',
      event: 'unique_customers',
      groupBy: 'store',
      stores: ['paris'],
      topN: 50,
    };
    const { onChange } = await renderEditor(orders, ds);
    expect(getResource).toHaveBeenCalledWith('stores', undefined, { showErrorAlert: false });
    expect(getResource).not.toHaveBeenCalledWith('accounts', undefined, expect.anything());
    expect(screen.getByText('paris')).toBeInTheDocument();

    await userEvent.click(screen.getByLabelText('Stores'));
    expect(await screen.findByText('$account')).toBeInTheDocument();
    await userEvent.click(screen.getByText('london'));
    expect(onChange).toHaveBeenCalledWith({ ...orders, stores: ['paris', 'london'] });
  });

  it('says why the stores could not be loaded', async () => {
    const { ds } = dataSourceWithResources([], { status: 500, data: { error: 'the orders relation has no store_id' } });
    await renderEditor({ refId: 'A', queryType: 'customer_events', view: 'orders' }, ds);
    expect(
      await screen.findByText(
        'Could not load the stores (the orders relation has no store_id). You can still type store ids or $variables.'
      )
    ).toBeInTheDocument();
  });

  it('offers the customer dimensions for segments', async () => {
    await renderEditor({ refId: 'A', queryType: 'segments', view: 'breakdown' });
    expect(screen.getByText('Lifecycle status')).toBeInTheDocument();
    await userEvent.click(screen.getByLabelText('Dimension'));
    for (const label of ['Frequency', 'Customer value', 'Email engagement', 'RFM persona', 'First-order channel']) {
      expect(await screen.findByText(label)).toBeInTheDocument();
    }
    // Profile-only dimensions are not offered.
    expect(screen.queryByText('Follower status')).not.toBeInTheDocument();
  });

  it('says when the matrix crosses a dimension with itself', async () => {
    const error = 'The matrix crosses two different dimensions: choose another second dimension';
    const matrix: CAQuery = {
      refId: 'A',
      queryType: 'segments',
      view: 'matrix',
      dimension: 'lifecycle_status',
      dimension2: 'value_band',
    };
    const { onChange, unmount } = await renderEditor(matrix);
    expect(screen.getByText('Lifecycle status')).toBeInTheDocument();
    expect(screen.getByText('Customer value')).toBeInTheDocument();
    expect(screen.queryByText(error)).not.toBeInTheDocument();

    // Choosing the second dimension as the first keeps both, and the editor says what is wrong.
    await userEvent.click(screen.getByLabelText('Dimension'));
    await userEvent.click(await screen.findByText('Customer value', { selector: '[role="option"] *' }));
    expect(onChange).toHaveBeenCalledWith({ ...matrix, dimension: 'value_band' });
    unmount();

    await renderEditor({ ...matrix, dimension: 'value_band' });
    expect(screen.getByText(error)).toBeInTheDocument();
  });

  it('chooses the value bands measure', async () => {
    const { onChange } = await renderEditor({ refId: 'A', queryType: 'value_bands' });
    expect(within(radioGroup('Measure')!).getByLabelText('Contacts')).toBeChecked();
    await userEvent.click(within(radioGroup('Measure')!).getByLabelText('Revenue'));
    expect(onChange).toHaveBeenCalledWith({
      refId: 'A',
      queryType: 'value_bands',
      view: 'snapshot',
      measure: 'revenue',
    });
  });

  it('keeps one field of a breakdown', async () => {
    const { onChange } = await renderEditor({ refId: 'A', queryType: 'personas', view: 'breakdown' });
    expect(screen.getByText('All fields')).toBeInTheDocument();
    await userEvent.click(screen.getByLabelText('Field'));
    await userEvent.click(await screen.findByText('Total CLV'));
    expect(onChange).toHaveBeenCalledWith({ refId: 'A', queryType: 'personas', view: 'breakdown', metric: 'revenue' });
  });

  it('offers the predicted CLV fields in the segment breakdown', async () => {
    const { onChange } = await renderEditor({ refId: 'A', queryType: 'segments', view: 'breakdown' });
    await userEvent.click(screen.getByLabelText('Field'));
    expect(await screen.findByText('Predicted revenue')).toBeInTheDocument();
    await userEvent.click(screen.getByText('Predicted CLV'));
    expect(onChange).toHaveBeenCalledWith({
      refId: 'A',
      queryType: 'segments',
      view: 'breakdown',
      dimension: 'lifecycle_status',
      metric: 'predicted_clv',
    });
  });

  it('keeps one field of the predicted CLV segments', async () => {
    const segments: CAQuery = {
      refId: 'A',
      queryType: 'clv',
      view: 'segments',
      dimension: 'persona',
      metric: '',
      horizonDays: 0,
      unit: 'week',
    };
    const { onChange } = await renderEditor(segments);
    expect(screen.getByText('RFM persona')).toBeInTheDocument();
    expect(screen.getByText('All fields')).toBeInTheDocument();
    await userEvent.click(screen.getByLabelText('Field'));
    for (const label of [
      'Customers',
      'Predicted revenue',
      'Share of predicted revenue',
      'Expected orders per customer',
    ]) {
      expect(await screen.findByText(label, { selector: '[role="option"] *' })).toBeInTheDocument();
    }
    // The segment breakdown's own fields are not offered.
    expect(screen.queryByText('Total CLV')).not.toBeInTheDocument();
    await userEvent.click(screen.getByText('Average probability active'));
    expect(onChange).toHaveBeenCalledWith({ ...segments, metric: 'avg_p_alive' });
  });

  it('starts the at-risk customers at a probability active below 0.5 and checks the bound', async () => {
    const { onChange, unmount } = await renderEditor({ refId: 'A', queryType: 'clv', view: 'customers' });
    await userEvent.click(screen.getByLabelText('At risk'));
    const atRisk: CAQuery = {
      refId: 'A',
      queryType: 'clv',
      view: 'at_risk',
      maxProbabilityAlive: 0.5,
      limit: 100,
      horizonDays: 0,
      unit: 'week',
    };
    expect(onChange).toHaveBeenLastCalledWith(atRisk);
    unmount();

    const { onChange: onChange2, onRunQuery } = await renderEditor(atRisk);
    const bound = screen.getByLabelText('P(active) below');
    expect(bound).toHaveValue(0.5);
    const error = 'Enter a number above 0 and at most 1';

    await userEvent.clear(bound);
    await userEvent.type(bound, '0');
    expect(screen.getByText(error)).toBeInTheDocument();
    await userEvent.tab();
    expect(onChange2).not.toHaveBeenCalled();

    await userEvent.clear(bound);
    await userEvent.type(bound, '1.5');
    expect(screen.getByText(error)).toBeInTheDocument();

    await userEvent.clear(bound);
    await userEvent.type(bound, '0.25');
    expect(screen.queryByText(error)).not.toBeInTheDocument();
    await userEvent.tab();
    expect(onChange2).toHaveBeenCalledWith({ ...atRisk, maxProbabilityAlive: 0.25 });
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('checks the predicted CLV limit and horizon', async () => {
    const customers: CAQuery = {
      refId: 'A',
      queryType: 'clv',
      view: 'customers',
      limit: 100,
      horizonDays: 0,
      unit: 'week',
    };
    const { onChange } = await renderEditor(customers);
    const limit = screen.getByLabelText('Limit');
    expect(limit).toHaveValue(100);
    await userEvent.clear(limit);
    await userEvent.type(limit, '10001');
    expect(screen.getByText('Enter a whole number from 1 to 10000')).toBeInTheDocument();
    await userEvent.clear(limit);
    await userEvent.type(limit, '20');
    await userEvent.tab();
    expect(onChange).toHaveBeenLastCalledWith({ ...customers, limit: 20 });

    // 0 days takes the datasource's horizon.
    const horizon = screen.getByLabelText('Horizon (days)');
    expect(horizon).toHaveValue(0);
    await userEvent.clear(horizon);
    await userEvent.type(horizon, '90.5');
    expect(screen.getByText('Enter a whole number from 0 to 3650')).toBeInTheDocument();
    await userEvent.clear(horizon);
    await userEvent.type(horizon, '730');
    await userEvent.tab();
    expect(onChange).toHaveBeenLastCalledWith({ ...customers, horizonDays: 730 });
  });

  it('chooses the time unit of the predicted CLV fit', async () => {
    const { onChange } = await renderEditor({ refId: 'A', queryType: 'clv', view: 'fit' });
    const unit = within(radioGroup('Time unit')!);
    expect(unit.getByLabelText('Week')).toBeChecked();
    await userEvent.click(unit.getByLabelText('Day'));
    expect(onChange).toHaveBeenCalledWith({ refId: 'A', queryType: 'clv', view: 'fit', unit: 'day' });
  });

  it('keeps a query type it does not offer, such as a dashboard variable', async () => {
    await renderEditor({ refId: 'A', queryType: '$type' as CAQuery['queryType'] });
    expect(screen.getByText('$type')).toBeInTheDocument();
  });
});

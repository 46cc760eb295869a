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

  it('keeps a query type it does not offer, such as a dashboard variable', async () => {
    await renderEditor({ refId: 'A', queryType: '$type' as CAQuery['queryType'] });
    expect(screen.getByText('$type')).toBeInTheDocument();
  });
});

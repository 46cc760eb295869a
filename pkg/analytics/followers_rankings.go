package analytics

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/storelens/customer-analytics-datasource/pkg/database"
	"github.com/storelens/customer-analytics-datasource/pkg/requestshare"
)

var (
	followersSourcesSQL       = statement("followers_sources")
	followersContentSQL       = statement("followers_content")
	followersViewedContentSQL = statement("followers_viewed_content")
	// The profiles by a customer column share one statement (followersProfile); the others
	// have one each.
	followersProfileColumnsSQL = expandTwoWays("followers_profile", profileColumns)
	followersProfileSQL        = profileStatements("followers_profile", "buyer_status", "video_preference")
)

// The channels view's breakdowns.
const (
	FollowersBySource        = "source"
	FollowersByContent       = "content"
	FollowersByViewedContent = "viewed_content"
)

// followSources are the follow sources the contract names, listed even when no follower has them.
var followSources = []string{"video", "live", "product_card", "profile"}

func followerGroupOf(s string) (string, error) {
	switch s {
	case "", "new":
		return "new", nil
	case "active":
		return s, nil
	}
	return "", invalidf("followers: group %q: use new or active", s)
}

func contentKind(s string) error {
	if s != "" && s != "live" && s != "video" {
		return invalidf("content kind %q: use live, video or leave it empty for both", s)
	}
	return nil
}

// followersChannels answers the channels view: followers of a group by follow source, or the
// content that brought new followers, or the content active followers viewed.
func (e *Engine) followersChannels(ctx context.Context, q FollowersQuery, p Period) (data.Frames, error) {
	g, err := followerGroupOf(q.Group)
	if err != nil {
		return nil, err
	}
	var f *data.Frame
	switch ch := q.Channel; {
	case ch == "" || ch == FollowersBySource:
		f, err = e.followersBySource(ctx, q, p, g)
	case ch == FollowersByContent && g == "new":
		f, err = e.followersByContent(ctx, q, p)
	case ch == FollowersByViewedContent && g == "active":
		f, err = e.followersByViewedContent(ctx, q, p)
	case ch == FollowersByContent:
		return nil, invalidf("followers channels: content ranks the content that brought new followers: use group new, or channel source or viewed_content for active followers")
	case ch == FollowersByViewedContent:
		return nil, invalidf("followers channels: viewed_content ranks the content active followers viewed: use group active, or channel source or content for new followers")
	default:
		return nil, invalidf("followers channels: unknown channel %q: use source, content (new followers) or viewed_content (active followers)", ch)
	}
	if err != nil {
		return nil, err
	}
	f.Meta.Custom = followersMeta(p, Period{}, false, q.Accounts)
	return data.Frames{f}, nil
}

// followersBySource counts a group's followers by the source of their current follow: the
// contract's sources first, in their order, then any others by size, unknown last.
func (e *Engine) followersBySource(ctx context.Context, q FollowersQuery, p Period, g string) (*data.Frame, error) {
	counts := map[string]int64{}
	var total int64
	err := e.db.Read(ctx, func(tx database.Tx) error {
		rows, err := tx.Query(ctx, followersSourcesSQL, p.From, p.To, accountIDs(q.Accounts), g)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var source string
			var isTotal bool
			var n int64
			if err := rows.Scan(&source, &isTotal, &n); err != nil {
				return err
			}
			if isTotal {
				total = n
			} else {
				counts[source] = n
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, explain("followers channels", err)
	}
	values := append([]string{}, followSources...)
	var others []string
	for s := range counts {
		if s != "unknown" && !slices.Contains(followSources, s) {
			others = append(others, s)
		}
	}
	sort.Slice(others, func(i, j int) bool {
		a, b := others[i], others[j]
		if counts[a] != counts[b] {
			return counts[a] > counts[b]
		}
		return a < b
	})
	values = append(append(values, others...), "unknown")

	label, shareLabel := "New followers", "Share of new followers"
	if g == "active" {
		label, shareLabel = "Active followers", "Share of active followers"
	}
	f := newFrameBuilder("followers_sources")
	src := f.str("source", "Follow source")
	n := f.int("followers", label, "short")
	share := f.ratio("share", shareLabel, "percentunit")
	for _, v := range values {
		src.Append(v)
		n.Append(counts[v])
		share.Append(ratio(float64(counts[v]), float64(total)))
	}
	return f.frame(followersSourcesSQL), nil
}

// followersByContent ranks videos and LIVEs by the new followers they brought.
func (e *Engine) followersByContent(ctx context.Context, q FollowersQuery, p Period) (*data.Frame, error) {
	n, err := topN(q.TopN)
	if err != nil {
		return nil, err
	}
	if err := contentKind(q.ContentKind); err != nil {
		return nil, err
	}
	f := newFrameBuilder("followers_content")
	id := f.str("content_id", "Content id")
	title := f.str("title", "Title")
	kind := f.str("kind", "Kind")
	account := f.str("account", "Account")
	newF := f.int("new_followers", "New followers", "short")
	err = e.db.Read(ctx, func(tx database.Tx) error {
		rows, err := tx.Query(ctx, followersContentSQL, p.From, p.To, accountIDs(q.Accounts), q.ContentKind, n)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var i, t, k, a string
			var nf int64
			if err := rows.Scan(&i, &t, &k, &a, &nf); err != nil {
				return err
			}
			id.Append(i)
			title.Append(t)
			kind.Append(k)
			account.Append(a)
			newF.Append(nf)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, explain("followers channels", err)
	}
	return f.frame(followersContentSQL), nil
}

// followersByViewedContent ranks the content of the accounts in A by the active followers who
// viewed it in the period.
func (e *Engine) followersByViewedContent(ctx context.Context, q FollowersQuery, p Period) (*data.Frame, error) {
	n, err := topN(q.TopN)
	if err != nil {
		return nil, err
	}
	if err := contentKind(q.ContentKind); err != nil {
		return nil, err
	}
	f := newFrameBuilder("followers_viewed_content")
	id := f.str("content_id", "Content id")
	title := f.str("title", "Title")
	kind := f.str("kind", "Kind")
	account := f.str("account", "Account")
	activeF := f.int("active_followers", "Active followers", "short")
	views := f.int("views", "Views by active followers", "short")
	err = e.db.Read(ctx, func(tx database.Tx) error {
		rows, err := tx.Query(ctx, followersViewedContentSQL, p.From, p.To, accountIDs(q.Accounts), q.ContentKind, n)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var i, t, k, a string
			var af, v int64
			if err := rows.Scan(&i, &t, &k, &a, &af, &v); err != nil {
				return err
			}
			id.Append(i)
			title.Append(t)
			kind.Append(k)
			account.Append(a)
			activeF.Append(af)
			views.Append(v)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, explain("followers channels", err)
	}
	return f.frame(followersViewedContentSQL), nil
}

// followersProfile describes the period's new or active followers by one dimension.
func (e *Engine) followersProfile(ctx context.Context, q FollowersQuery, p Period) (data.Frames, error) {
	g, err := followerGroupOf(q.Group)
	if err != nil {
		return nil, err
	}
	dim, ok := profileDimensions[q.Dimension]
	sql, social := followersProfileSQL[q.Dimension]
	if !ok || !social && !dim.isColumn() {
		return nil, invalidf("followers profile: unknown dimension %q: use one of %s", q.Dimension, dimensionNames(followersProfileSQL, profileColumns.Columns...))
	}
	accounts := accountIDs(q.Accounts)
	args := []any{p.From, p.To, e.lookback(p.From), accounts, g, e.refYear(p), e.shop.DevicePriceEdges}
	var f *data.Frame
	if dim.isColumn() {
		// As the buyers profiles: one statement counts the group by every customer column, shared
		// by the request's profiles of the same group, accounts and period (the Followers
		// dashboard's four), each keeping its own; the customer rows merge-joined in customer
		// order (active followers' age at 1M: 0.83-1.02 s for the old one-dimension statement,
		// 0.96-1.14 hash-joined, 0.72-0.77 merged; a lone profile of new followers 0.11-0.14 ->
		// 0.16 s, where the dashboard's four cost one).
		key := fmt.Sprintf("followers_profile\x00%p\x00%d\x00%d\x00%s\x00%q", e, p.From.UnixNano(), p.To.UnixNano(), g, accounts)
		res, err := requestshare.Do(ctx, key, func(ctx context.Context) (profileCounts, error) {
			return e.queryProfile(ctx, "followers profile", followersProfileColumnsSQL, p, profileColumns, true, args...)
		})
		if err != nil {
			return nil, err
		}
		f = e.profileFrame("followers_profile", dim, res.counts[dim.Name], res.sql)
	} else if f, err = e.runProfile(ctx, "followers profile", "followers_profile", sql, p, dim, false, args...); err != nil {
		return nil, err
	}
	f.Meta.Custom = followersMeta(p, Period{}, false, q.Accounts)
	return data.Frames{f}, nil
}

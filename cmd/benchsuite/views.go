package main

import (
	"encoding/json"
	"time"
)

// view is one view of one query type, as a panel would ask for it.
type view struct {
	qt   string // query type
	name string // view (and options) as printed
	json string // the query's JSON model
	days int    // the range: the last `days` days before the shop's end
	// ref names the reference SQL file in bench/reference (without .sql); empty: none yet.
	ref string
	// floor: "period" scans the valid orders of the range, "asof" all valid orders before its end,
	// "" none (the view does not read orders).
	floor string
}

// model is what a reference SQL may take from the view's query model (reference.go, argValue).
type model struct {
	Bucket      string   // "" when the model has none
	Accounts    []string // the followers' account set; empty: all accounts
	ContentKind string   // "live", "video" or "" for both
	Group       string   // the followers' group; "" is "new", as the plugin reads it
}

func (v view) model() model {
	var m model
	_ = json.Unmarshal([]byte(v.json), &m) // the models are the literals below
	if m.Group == "" {
		m.Group = "new"
	}
	return m
}

// interval is Grafana's suggested interval for a range of the given days (about 1000 points, rounded
// as Grafana does to a round interval): only the "auto" bucket uses it.
func interval(days int) time.Duration {
	switch {
	case days <= 7:
		return 10 * time.Minute
	case days <= 30:
		return time.Hour
	case days <= 90:
		return 2 * time.Hour
	}
	return 12 * time.Hour
}

// views lists every view of every query type (pkg/analytics, src/types.ts QUERY_TYPES), with the
// ranges the Go benchmarks use (7d, 30d, 365d).
var views = []view{
	{"buyers", "summary/7d", `{"view":"summary"}`, 7, "buyers_summary", "period"},
	{"buyers", "summary/30d", `{"view":"summary"}`, 30, "buyers_summary", "period"},
	{"buyers", "summary/365d", `{"view":"summary"}`, 365, "buyers_summary", "period"},
	{"buyers", "trend/30d-daily", `{"view":"trend","bucket":"day"}`, 30, "buyers_trend", "period"},
	{"buyers", "trend/365d-weekly", `{"view":"trend","bucket":"week"}`, 365, "buyers_trend", "period"},
	{"buyers", "channels/30d", `{"view":"channels"}`, 30, "buyers_channels_30d", "period"},
	{"buyers", "channels/live/30d", `{"view":"channels","contentKind":"live","rankBy":"all","topN":10}`, 30, "buyers_channels_30d", "period"},
	{"buyers", "products/30d", `{"view":"products"}`, 30, "buyers_products_30d", "period"},
	{"buyers", "profile/age_band/30d", `{"view":"profile","dimension":"age_band"}`, 30, "buyers_profile_age_band_30d", "period"},
	{"buyers", "profile/gender/30d", `{"view":"profile","dimension":"gender"}`, 30, "buyers_profile_gender_30d", "period"},
	{"buyers", "profile/follower_status/30d", `{"view":"profile","dimension":"follower_status"}`, 30, "buyers_profile_follower_status_30d", "period"},
	{"buyers", "profile/device_price_band/30d", `{"view":"profile","dimension":"device_price_band"}`, 30, "buyers_profile_device_price_band_30d", "period"},
	{"buyers", "profile/country/30d", `{"view":"profile","dimension":"country"}`, 30, "buyers_profile_country_30d", "period"},
	{"buyers", "profile/video_preference/30d", `{"view":"profile","dimension":"video_preference"}`, 30, "buyers_profile_video_preference_30d", "period"},

	{"followers", "summary/7d", `{"view":"summary"}`, 7, "followers_summary", "period"},
	{"followers", "summary/30d", `{"view":"summary"}`, 30, "followers_summary", "period"},
	{"followers", "summary/30d/one-account", `{"view":"summary","accounts":["2"]}`, 30, "followers_summary", "period"},
	{"followers", "trend/30d-daily", `{"view":"trend","bucket":"day"}`, 30, "followers_trend_daily", "period"},
	{"followers", "trend/30d-daily-per-account", `{"view":"trend","bucket":"day","perAccount":true}`, 30, "followers_trend_daily_per_account", "period"},
	{"followers", "channels/source/30d", `{"view":"channels"}`, 30, "followers_channels_source", "period"},
	{"followers", "channels/source-active/30d", `{"view":"channels","group":"active"}`, 30, "followers_channels_source", "period"},
	{"followers", "channels/content/30d", `{"view":"channels","channel":"content"}`, 30, "followers_channels_content", "period"},
	{"followers", "channels/viewed_content/30d", `{"view":"channels","group":"active","channel":"viewed_content"}`, 30, "followers_channels_viewed_content", "period"},
	{"followers", "profile/buyer_status/30d", `{"view":"profile","dimension":"buyer_status"}`, 30, "followers_profile_buyer_status", "period"},
	{"followers", "profile/age_band-active/30d", `{"view":"profile","group":"active","dimension":"age_band"}`, 30, "followers_profile_age_band_active", "period"},

	{"customers", "summary/7d", `{"view":"summary"}`, 7, "customers_summary", "period"},
	{"customers", "summary/30d", `{"view":"summary"}`, 30, "customers_summary", "period"},
	{"customers", "summary/365d", `{"view":"summary"}`, 365, "customers_summary", "period"},
	{"customers", "new_vs_existing/30d", `{"view":"new_vs_existing"}`, 30, "customers_new_vs_existing_30d", "period"},
	{"customers", "acquisition/30d-daily", `{"view":"acquisition","bucket":"day"}`, 30, "customers_acquisition", "period"},
	{"customers", "acquisition/365d-weekly", `{"view":"acquisition","bucket":"week"}`, 365, "customers_acquisition", "period"},

	{"customer_events", "summary/30d", `{"view":"summary"}`, 30, "customer_events_summary", "period"},
	{"customer_events", "summary/365d", `{"view":"summary"}`, 365, "customer_events_summary", "period"},
	{"customer_events", "trend/30d-daily", `{"view":"trend","bucket":"day"}`, 30, "customer_events_trend", "period"},
	{"customer_events", "trend/365d-weekly", `{"view":"trend","bucket":"week"}`, 365, "customer_events_trend", "period"},
	{"customer_events", "new_returning_lapsed/30d", `{"view":"new_returning_lapsed"}`, 30, "customer_events_new_returning_lapsed", "period"},
	{"customer_events", "orders/gained-by-product/30d", `{"view":"orders","event":"customers_gained"}`, 30, "customer_events_orders_gained_by_product", "period"},
	{"customer_events", "orders/second-by-attribute/30d", `{"view":"orders","event":"second_orders","groupBy":"product_attribute","attributeKey":"color"}`, 30, "customer_events_orders_second_by_attribute", "period"},
	{"customer_events", "orders/won-back-by-source/90d", `{"view":"orders","event":"won_back","groupBy":"source_medium"}`, 90, "customer_events_orders_won_back_by_source", "period"},

	{"segments", "breakdown/gender", `{"dimension":"gender"}`, 30, "segments_breakdown_gender", "asof"},
	{"segments", "breakdown/lifecycle_status", `{"dimension":"lifecycle_status"}`, 30, "segments_breakdown_lifecycle_status", "asof"},
	{"segments", "breakdown/persona", `{"dimension":"persona"}`, 30, "segments_breakdown_persona", "asof"},
	{"segments", "breakdown/email_engagement", `{"dimension":"email_engagement"}`, 30, "segments_breakdown_email_engagement", "asof"},
	{"segments", "breakdown/first_order_channel", `{"dimension":"first_order_channel"}`, 30, "segments_breakdown_first_order_channel", "asof"},
	{"segments", "matrix/lifecycle_status-email_engagement", `{"view":"matrix","dimension":"lifecycle_status","dimension2":"email_engagement"}`, 30, "segments_matrix_lifecycle_status_email_engagement", "asof"},
	{"segments", "matrix/frequency_band-value_band", `{"view":"matrix","dimension":"frequency_band","dimension2":"value_band"}`, 30, "segments_matrix_frequency_band_value_band", "asof"},

	{"value_bands", "snapshot", `{}`, 30, "value_bands_snapshot", "asof"},
	{"value_bands", "breakdown", `{"view":"breakdown"}`, 30, "value_bands_breakdown", "asof"},

	{"personas", "revenue", `{"view":"revenue"}`, 30, "personas_revenue", "asof"},
	{"personas", "by_stage", `{"view":"by_stage"}`, 30, "personas_by_stage", "asof"},
	{"personas", "breakdown", `{"view":"breakdown"}`, 30, "segments_breakdown_persona", "asof"},
	{"personas", "scores", `{"view":"scores"}`, 30, "personas_scores", "asof"},

	{"audience_growth", "states/30d-daily", `{"bucket":"day"}`, 30, "audience_states", "asof"},
	{"audience_growth", "states/365d-weekly", `{"bucket":"week"}`, 365, "audience_states", "asof"},
	{"audience_growth", "active_history", `{"view":"active_history"}`, 30, "audience_active_history", "asof"},
	{"audience_growth", "overview/audience_state", `{"view":"overview"}`, 30, "audience_overview_audience_state", "asof"},
	{"audience_growth", "overview/country", `{"view":"overview","dimension":"country"}`, 30, "audience_overview_country", "asof"},
	{"audience_growth", "popular_products/active/30d", `{"view":"popular_products","segment":"active"}`, 30, "audience_popular_products_active", "period"},

	// Predicted CLV: the first request fits the models (the fit cache is per datasource and as-of
	// day), so the warm-up pays for the fit and the timed runs show a dashboard's later panels.
	{"clv", "customers", `{"view":"customers"}`, 30, "", "asof"},
	{"clv", "at_risk", `{"view":"at_risk"}`, 30, "", "asof"},
	{"clv", "total", `{"view":"total"}`, 30, "", "asof"},
	{"clv", "segments/persona", `{"view":"segments","dimension":"persona"}`, 30, "", "asof"},
	{"clv", "fit", `{"view":"fit"}`, 30, "", "asof"},
	{"clv", "holdout/365d", `{"view":"holdout"}`, 365, "", "period"},

	{"variables", "accounts", `{"list":"accounts"}`, 30, "variables_accounts", ""},
	{"variables", "content", `{"list":"content"}`, 30, "variables_content", ""},
	{"variables", "stores", `{"list":"stores"}`, 30, "variables_stores", ""},
	{"variables", "dimension_values/country", `{"list":"dimension_values","dimension":"country"}`, 30, "variables_dimension_values_country", ""},
}

package analytics

import (
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// frameBuilder collects fields with display names and units, and stamps the executed SQL.
type frameBuilder struct {
	name   string
	fields []*data.Field
}

func newFrameBuilder(name string) *frameBuilder { return &frameBuilder{name: name} }

func (b *frameBuilder) add(f *data.Field, display, unit string) *data.Field {
	f.Config = &data.FieldConfig{DisplayNameFromDS: display, Unit: unit}
	b.fields = append(b.fields, f)
	return f
}

func (b *frameBuilder) str(name, display string) *data.Field {
	return b.add(data.NewField(name, nil, []string{}), display, "")
}

func (b *frameBuilder) int(name, display, unit string) *data.Field {
	return b.add(data.NewField(name, nil, []int64{}), display, unit)
}

func (b *frameBuilder) float(name, display, unit string) *data.Field {
	return b.add(data.NewField(name, nil, []float64{}), display, unit)
}

func (b *frameBuilder) time(name, display string) *data.Field {
	return b.add(data.NewField(name, nil, []time.Time{}), display, "")
}

func (b *frameBuilder) nullableInt(name, display, unit string) *data.Field {
	return b.add(data.NewField(name, nil, []*int64{}), display, unit)
}

// ratio is a nullable float: shares and changes are unknown when their base is 0.
func (b *frameBuilder) ratio(name, display, unit string) *data.Field {
	return b.add(data.NewField(name, nil, []*float64{}), display, unit)
}

func (b *frameBuilder) frame(sql string) *data.Frame {
	f := data.NewFrame(b.name, b.fields...)
	f.Meta = &data.FrameMeta{ExecutedQueryString: sql, PreferredVisualization: data.VisTypeTable}
	return f
}

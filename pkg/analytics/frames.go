package analytics

import (
	"fmt"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/jackc/pgx/v5"
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

// appendRows scans each row into the builder's fields, column i into field i (string, int64 and
// float64 fields): for statements whose columns are exactly the frame's.
func (b *frameBuilder) appendRows(rows pgx.Rows) error {
	dest := make([]any, len(b.fields))
	for rows.Next() {
		for i, f := range b.fields {
			switch f.Type() {
			case data.FieldTypeString:
				dest[i] = new(string)
			case data.FieldTypeInt64:
				dest[i] = new(int64)
			case data.FieldTypeFloat64:
				dest[i] = new(float64)
			default:
				return fmt.Errorf("frame %s: field %s of type %s cannot be scanned", b.name, f.Name, f.Type())
			}
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		for i, f := range b.fields {
			switch v := dest[i].(type) {
			case *string:
				f.Append(*v)
			case *int64:
				f.Append(*v)
			case *float64:
				f.Append(*v)
			}
		}
	}
	return rows.Err()
}

func (b *frameBuilder) frame(sql string) *data.Frame {
	f := data.NewFrame(b.name, b.fields...)
	f.Meta = &data.FrameMeta{ExecutedQueryString: sql, PreferredVisualization: data.VisTypeTable}
	return f
}

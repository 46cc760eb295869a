package plugin

import (
	"errors"
	"net"

	"github.com/jackc/pgx/v5/pgconn"
)

// isDatabaseError reports errors that come from the database or the way to it (down, refused,
// authentication, SQL errors), as opposed to bugs in the plugin.
func isDatabaseError(err error) bool {
	var pg *pgconn.PgError
	var conn *pgconn.ConnectError
	var netErr net.Error
	return errors.As(err, &pg) || errors.As(err, &conn) || errors.As(err, &netErr) || pgconn.Timeout(err) || errors.Is(err, pgconn.ErrConnClosed)
}

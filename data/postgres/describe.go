package postgres

// Role is the database role the store connected as: the one the server
// checked the password of, which the audit log records as who made each
// change (session_user).
func (s *Store) Role() string { return s.pool.Config().ConnConfig.User }

// Where names the database the store is connected to, for the clerk:
// the server (a host name, or a Unix socket's folder) and the database,
// as host/database.
func (s *Store) Where() string {
	cc := s.pool.Config().ConnConfig
	return cc.Host + "/" + cc.Database
}

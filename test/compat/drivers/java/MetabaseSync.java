import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * What Metabase's PostgreSQL driver does through pgjdbc, against one server: its connection
 * set-up, the sync (DatabaseMetaData getSchemas/getTables/getColumns/getPrimaryKeys/
 * getImportedKeys plus its privilege and enum queries), the read-only cursor flow with a fetch
 * size, a query timeout (Statement.setQueryTimeout → CancelRequest) and a friendly error.
 * Usage: java -cp <classes>:postgresql.jar MetabaseSync <schema> <table> <target JSON>
 */
public final class MetabaseSync {
  public static void main(String[] args) throws Exception {
    Checks c = new Checks(args[args.length - 1]);
    String schema = args[0], table = args[1];
    Properties props = new Properties();
    props.setProperty("ApplicationName", "Metabase v0.50.0 [sirius-compat]");
    props.setProperty("sslmode", "disable");
    try (Connection conn = DriverManager.getConnection(c.url(""), props)) {
      c.run("connection set-up", () -> {
        // sql-jdbc.execute/do-with-connection-with-options: isolation, read-only, no auto-commit, then the DB time zone
        conn.setTransactionIsolation(Connection.TRANSACTION_READ_UNCOMMITTED);
        conn.setReadOnly(true);
        conn.setAutoCommit(false);
        conn.setHoldability(ResultSet.CLOSE_CURSORS_AT_COMMIT);
        Object tz = first(conn, "show timezone");
        Object one = first(conn, "SELECT 1");
        conn.commit();
        return List.of(String.valueOf(one), tz == null ? "null" : "a time zone", conn.getTransactionIsolation());
      });
      DatabaseMetaData md = conn.getMetaData();
      c.run("getSchemas", () -> column(md.getSchemas(), "TABLE_SCHEM"));
      c.run("getTables", () -> column(md.getTables(null, schema, "%", new String[] {"TABLE", "PARTITIONED TABLE", "VIEW", "FOREIGN TABLE", "MATERIALIZED VIEW"}), "TABLE_NAME"));
      c.run("getColumns", () -> {
        List<Object> out = new ArrayList<>();
        try (ResultSet rs = md.getColumns(null, schema, table, "%")) {
          while (rs.next()) out.add(List.of(rs.getString("COLUMN_NAME"), rs.getString("TYPE_NAME"), rs.getInt("ORDINAL_POSITION"), rs.getString("IS_NULLABLE")));
        }
        return out;
      });
      c.run("getPrimaryKeys", () -> column(md.getPrimaryKeys(null, schema, table), "COLUMN_NAME"));
      c.run("getImportedKeys", () -> column(md.getImportedKeys(null, schema, table), "FKCOLUMN_NAME"));
      c.run("privileges", () -> rows(conn, "SELECT t.schemaname, t.tablename,"
          + " pg_catalog.has_any_column_privilege(current_user, '\"' || t.schemaname || '\".\"' || t.tablename || '\"', 'select') AS \"select\","
          + " pg_catalog.has_table_privilege(current_user, '\"' || t.schemaname || '\".\"' || t.tablename || '\"', 'delete') AS \"delete\","
          + " pg_catalog.has_schema_privilege(current_user, t.schemaname, 'usage') AS \"usage\""
          + " FROM (SELECT schemaname, tablename FROM pg_catalog.pg_tables UNION SELECT schemaname, viewname FROM pg_catalog.pg_views"
          + " UNION SELECT schemaname, matviewname FROM pg_catalog.pg_matviews) t"
          + " WHERE t.schemaname = '" + schema + "' AND t.tablename = '" + table + "'"));
      c.run("metabase: tables SQL", () -> bound(conn, MetabaseQueries.TABLES, "^pg_", "information_schema", schema));
      c.run("metabase: fields SQL", () -> bound(conn, MetabaseQueries.FIELDS, schema, table, schema, table));
      c.run("metabase: foreign keys SQL", () -> bound(conn, MetabaseQueries.FKS, table, schema));
      c.run("enums", () -> rows(conn, "SELECT nspname, typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.oid IN (SELECT DISTINCT enumtypid FROM pg_enum e)"));
      c.run("read-only cursor with fetch size", () -> {
        conn.setAutoCommit(true); // ends the transaction the metadata calls ran in
        conn.setAutoCommit(false);
        conn.setReadOnly(true);
        int rows = 0;
        long sum = 0;
        try (Statement s = conn.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
          s.setFetchSize(50);
          try (ResultSet rs = s.executeQuery(args[2])) {
            while (rs.next()) {
              rows++;
              sum += rs.getLong(1);
            }
          }
        }
        conn.commit();
        return List.of((long) rows, sum);
      });
      c.run("query timeout cancels", () -> {
        conn.setAutoCommit(true);
        String state;
        try (Statement s = conn.createStatement()) {
          s.setQueryTimeout(1);
          s.executeQuery("SELECT count(*) FROM generate_series(1, 100000) a(x), generate_series(1, 100000) b(y) WHERE a.x + b.y < 0");
          state = "finished";
        } catch (SQLException e) {
          state = e.getSQLState();
        }
        return List.of(state, String.valueOf(first(conn, "SELECT 2")));
      });
      c.run("friendly error", () -> {
        try (Statement s = conn.createStatement()) {
          s.executeQuery("SELECT no_such_column FROM " + schema + "." + table);
          return "no error";
        } catch (SQLException e) {
          return List.of(e.getSQLState(), e.getMessage().split("\n")[0].replaceAll("\\s+Position.*", ""), String.valueOf(first(conn, "SELECT 3")));
        }
      });
    }
    c.print();
  }

  static Object first(Connection conn, String sql) throws SQLException {
    try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getObject(1) : null;
    }
  }

  static List<Object> bound(Connection conn, String sql, String... params) throws SQLException {
    List<Object> out = new ArrayList<>();
    try (java.sql.PreparedStatement ps = conn.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) ps.setString(i + 1, params[i]);
      try (ResultSet rs = ps.executeQuery()) {
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          List<Object> r = new ArrayList<>();
          for (int i = 1; i <= n; i++) r.add(String.valueOf(rs.getObject(i)));
          out.add(r);
        }
      }
    }
    return out;
  }

  static List<Object> column(ResultSet rs, String name) throws SQLException {
    List<Object> out = new ArrayList<>();
    try (rs) {
      while (rs.next()) out.add(rs.getString(name));
    }
    return out;
  }

  static List<Object> rows(Connection conn, String sql) throws SQLException {
    List<Object> out = new ArrayList<>();
    try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<Object> r = new ArrayList<>();
        for (int i = 1; i <= n; i++) r.add(String.valueOf(rs.getObject(i)));
        out.add(r);
      }
    }
    return out;
  }
}

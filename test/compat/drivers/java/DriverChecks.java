import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * pgjdbc (Debian libpostgresql-jdbc-java) against one server: text results, binary results
 * (prepareThreshold=-1 makes every statement server-prepared with binary transfer), parameters,
 * server-prepared statements, batches, transactions, pool reset statements, TypeInfoCache.
 * Usage: java -cp <classes>:postgresql.jar DriverChecks <drivers dir> <target JSON>
 */
public final class DriverChecks {
  public static void main(String[] args) throws Exception {
    Checks c = new Checks(args[args.length - 1]);
    try (Connection conn = DriverManager.getConnection(c.url(""));
         Connection bin = DriverManager.getConnection(c.url("&prepareThreshold=-1"))) {
      c.run("connect", () -> {
        exec(conn, "SET TimeZone TO 'UTC'");
        exec(bin, "SET TimeZone TO 'UTC'");
        return List.of(value(conn, "SELECT 1"), conn.getMetaData().getDatabaseMajorVersion());
      });
      for (String[] t : Checks.types(Path.of(args[0]))) {
        c.run("type " + t[0], () -> value(conn, "SELECT " + t[1] + " AS v"));
        c.run("binary type " + t[0], () -> value(bin, "SELECT " + t[1] + " AS v"));
      }
      c.run("parameters", () -> {
        try (PreparedStatement ps = conn.prepareStatement("SELECT ? + 1, ?, ?, ?::date, ?, ? = ANY(?), ?::uuid, ? IS NULL")) {
          ps.setInt(1, 41);
          ps.setString(2, "it's");
          ps.setBigDecimal(3, new BigDecimal("1.25"));
          ps.setString(4, "2026-01-02");
          ps.setBytes(5, new byte[] {0, (byte) 0xff});
          ps.setInt(6, 2);
          ps.setArray(7, conn.createArrayOf("int4", new Integer[] {1, 2, 3}));
          ps.setObject(8, UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
          ps.setNull(9, java.sql.Types.BIGINT);
          return row(ps);
        }
      });
      c.run("server-prepared statement", () -> {
        List<Object> out = new ArrayList<>();
        try (Connection p1 = DriverManager.getConnection(c.url("&prepareThreshold=1"));
             PreparedStatement ps = p1.prepareStatement("SELECT ?::int4 * 2 AS doubled")) {
          for (int n : new int[] {21, 5, 7}) {
            ps.setInt(1, n);
            out.add(row(ps));
          }
        }
        return out;
      });
      c.run("batch into a temporary table", () -> {
        exec(conn, "CREATE TEMPORARY TABLE jdbc_batch (i int4, s text)");
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO jdbc_batch VALUES (?, ?)")) {
          for (int i = 1; i <= 3; i++) {
            ps.setInt(1, i);
            ps.setString(2, "row " + i);
            ps.addBatch();
          }
          int[] counts = ps.executeBatch();
          List<Object> out = new ArrayList<>();
          for (int n : counts) out.add(n);
          out.add(value(conn, "SELECT sum(i) FROM jdbc_batch"));
          exec(conn, "DROP TABLE jdbc_batch");
          return out;
        }
      });
      c.run("error then next query", () -> {
        try {
          exec(conn, "SELECT * FROM no_such_relation");
          return "no error";
        } catch (SQLException e) {
          return List.of(e.getSQLState(), value(conn, "SELECT 2"));
        }
      });
      c.run("failed transaction and rollback", () -> {
        conn.setAutoCommit(false);
        conn.setReadOnly(true);
        String state;
        try {
          exec(conn, "SELECT * FROM no_such_relation");
          state = "no error";
        } catch (SQLException e) {
          state = e.getSQLState();
        }
        conn.rollback();
        Object after = value(conn, "SELECT 3");
        conn.commit();
        conn.setReadOnly(false);
        conn.setAutoCommit(true);
        return List.of(state, after);
      });
      c.run("pool reset statements", () -> {
        List<Object> counts = new ArrayList<>();
        for (String sql : new String[] {"DISCARD ALL", "RESET ALL", "DEALLOCATE ALL", "CLOSE ALL", "UNLISTEN *"}) {
          try (Statement s = conn.createStatement()) {
            counts.add(s.execute(sql) ? "rows" : "count " + s.getUpdateCount());
          }
        }
        exec(conn, "SET TimeZone TO 'UTC'");
        return counts;
      });
      c.run("introspection: createArrayOf uuid (TypeInfoCache)", () -> {
        try (PreparedStatement ps = conn.prepareStatement("SELECT ?::uuid[]")) {
          ps.setArray(1, conn.createArrayOf("uuid", new Object[] {UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")}));
          return row(ps);
        }
      });
      c.run("introspection: getColumnTypeName", () -> {
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SELECT '1 day'::interval AS i, '{}'::jsonb AS j, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS u, ARRAY[1.5]::float8[] AS f")) {
          ResultSetMetaData md = rs.getMetaData();
          List<Object> out = new ArrayList<>();
          for (int i = 1; i <= md.getColumnCount(); i++) out.add(List.of(md.getColumnTypeName(i), md.getColumnType(i), md.getColumnClassName(i)));
          return out;
        }
      });
      c.run("introspection: getTypeInfo", () -> {
        List<Object> found = new ArrayList<>();
        List<String> wanted = List.of("bool", "bytea", "date", "float4", "float8", "int2", "int4", "int8", "interval", "json", "numeric", "text", "timestamp", "timestamptz", "uuid");
        try (ResultSet rs = conn.getMetaData().getTypeInfo()) {
          while (rs.next()) if (wanted.contains(rs.getString("TYPE_NAME"))) found.add(List.of(rs.getString("TYPE_NAME"), rs.getInt("DATA_TYPE")));
        }
        found.sort((a, b) -> a.toString().compareTo(b.toString()));
        return found;
      });
      if (c.pid != null) {
        c.run("telemetry: count(*) FROM log_entries", () -> {
          try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM log_entries")) {
            rs.next();
            return rs.getLong(1);
          }
        });
        c.run("telemetry: view_instance with a literal id", () -> {
          try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM view_instance('log_entries', '" + c.pid + "')")) {
            rs.next();
            return rs.getLong(1);
          }
        });
        c.run("telemetry: view_instance with a parameter", () -> {
          try (PreparedStatement ps = conn.prepareStatement("SELECT count(*) FROM view_instance('log_entries', ?)")) {
            ps.setString(1, c.pid);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return rs.getLong(1);
            }
          }
        });
      }
    }
    c.print();
  }

  static void exec(Connection conn, String sql) throws SQLException {
    try (Statement s = conn.createStatement()) {
      s.execute(sql);
    }
  }

  static Object value(Connection conn, String sql) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      List<Object> r = row(ps);
      return r.size() == 1 ? r.get(0) : r;
    }
  }

  static List<Object> row(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      List<Object> out = new ArrayList<>();
      rs.next();
      for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) out.add(Checks.norm(rs.getObject(i)));
      return out;
    }
  }
}

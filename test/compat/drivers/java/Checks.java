import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shared by the Java programs: the target from the last argument (a flat JSON object), named
 * checks, one JSON object on stdout. No JSON library: pgjdbc is the only jar on the class path.
 */
final class Checks {
  interface Check { Object run() throws Exception; }

  final String host, database, user, pid;
  final int port;
  private final Map<String, String> out = new LinkedHashMap<>();

  Checks(String targetJson) {
    host = field(targetJson, "host");
    port = Integer.parseInt(field(targetJson, "port"));
    database = field(targetJson, "database");
    user = field(targetJson, "user");
    pid = field(targetJson, "pid");
  }

  String url(String params) {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database + "?user=" + user + "&connectTimeout=10" + params;
  }

  private static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|[-0-9]+|null)").matcher(json);
    if (!m.find()) throw new IllegalArgumentException("target lacks " + name);
    return m.group(2) != null ? m.group(2) : (m.group(1).equals("null") ? null : m.group(1));
  }

  /** The type names of types.json with their SQL, in order. */
  static List<String[]> types(Path driversDir) throws Exception {
    String json = Files.readString(driversDir.resolve("types.json"));
    Matcher m = Pattern.compile("\\{ \"name\": \"([^\"]+)\", \"sql\": \"((?:[^\"\\\\]|\\\\.)*)\" \\}").matcher(json);
    List<String[]> out = new ArrayList<>();
    while (m.find()) out.add(new String[] {m.group(1), m.group(2).replace("\\\"", "\"").replace("\\\\", "\\")});
    return out;
  }

  void run(String name, Check c) {
    try {
      out.put(name, "{\"ok\":true,\"value\":" + json(c.run()) + "}");
    } catch (SQLException e) {
      out.put(name, "{\"ok\":false,\"error\":{\"sqlstate\":" + json(e.getSQLState()) + ",\"message\":" + json(e.toString()) + "}}");
    } catch (Exception e) {
      out.put(name, "{\"ok\":false,\"error\":{\"sqlstate\":null,\"message\":" + json(e.toString()) + "}}");
    }
  }

  void print() {
    StringBuilder b = new StringBuilder("{");
    out.forEach((k, v) -> b.append(b.length() > 1 ? "," : "").append(json(k)).append(':').append(v));
    System.out.println(b.append('}'));
  }

  /** A decoded value as [Java class, text], so the decoded type is compared too. */
  static Object norm(Object v) throws SQLException {
    if (v == null) return null;
    if (v instanceof byte[]) {
      StringBuilder h = new StringBuilder();
      for (byte x : (byte[]) v) h.append(String.format("%02x", x));
      return List.of("byte[]", h.toString());
    }
    if (v instanceof Array) {
      List<Object> items = new ArrayList<>();
      for (Object x : (Object[]) ((Array) v).getArray()) items.add(norm(x));
      return List.of("Array:" + ((Array) v).getBaseTypeName(), items);
    }
    if (v instanceof org.postgresql.util.PGobject) {
      return List.of("PGobject:" + ((org.postgresql.util.PGobject) v).getType(), String.valueOf(v));
    }
    return List.of(v.getClass().getSimpleName(), String.valueOf(v));
  }

  static String json(Object v) {
    if (v == null) return "null";
    if (v instanceof Boolean || v instanceof Integer || v instanceof Long) return v.toString();
    if (v instanceof List) {
      StringBuilder b = new StringBuilder("[");
      for (Object x : (List<?>) v) b.append(b.length() > 1 ? "," : "").append(json(x));
      return b.append(']').toString();
    }
    if (v instanceof Map) {
      StringBuilder b = new StringBuilder("{");
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) b.append(b.length() > 1 ? "," : "").append(json(String.valueOf(e.getKey()))).append(':').append(json(e.getValue()));
      return b.append('}').toString();
    }
    StringBuilder b = new StringBuilder("\"");
    for (char ch : v.toString().toCharArray()) {
      if (ch == '"' || ch == '\\') b.append('\\').append(ch);
      else if (ch < 0x20) b.append(String.format("\\u%04x", (int) ch));
      else b.append(ch);
    }
    return b.append('"').toString();
  }
}

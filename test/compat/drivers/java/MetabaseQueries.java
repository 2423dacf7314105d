/**
 * The sync SQL of Metabase's PostgreSQL driver (src/metabase/driver/postgres.clj: get-tables-sql,
 * describe-fields-sql, describe-fks-sql), written out as HoneySQL renders it with quoting
 * (`{:dialect …}`); `?` are the schema and table names Metabase binds.
 */
final class MetabaseQueries {
  private MetabaseQueries() {}

  static final String TABLES = """
      SELECT "n"."nspname" AS "schema", "c"."relname" AS "name", \
      CASE "c"."relkind" WHEN 'r' THEN 'TABLE' WHEN 'p' THEN 'PARTITIONED TABLE' WHEN 'v' THEN 'VIEW' \
      WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE NULL END AS "type", \
      "d"."description" AS "description", "stat"."n_live_tup" AS "estimated_row_count" \
      FROM "pg_catalog"."pg_class" AS "c" \
      INNER JOIN "pg_catalog"."pg_namespace" AS "n" ON "c"."relnamespace" = "n"."oid" \
      LEFT JOIN "pg_catalog"."pg_description" AS "d" ON ("c"."oid" = "d"."objoid") AND ("d"."objsubid" = 0) AND ("d"."classoid" = 'pg_class'::regclass) \
      LEFT JOIN "pg_stat_user_tables" AS "stat" ON ("n"."nspname" = "stat"."schemaname") AND ("c"."relname" = "stat"."relname") \
      WHERE ("c"."relnamespace" = "n"."oid") AND ("n"."nspname" !~ ?) AND ("n"."nspname" <> ?) \
      AND c.relkind in ('r', 'p', 'v', 'f', 'm') AND ("n"."nspname" IN (?)) \
      ORDER BY "type" ASC, "schema" ASC, "name" ASC""";

  static final String FIELDS = """
      SELECT "c"."column_name" AS "name", \
      CASE WHEN "c"."udt_schema" IN ('public', 'pg_catalog') THEN FORMAT('%s', "c"."udt_name") \
      ELSE FORMAT('"%s"."%s"', "c"."udt_schema", "c"."udt_name") END AS "database-type", \
      "c"."ordinal_position" - 1 AS "database-position", "c"."table_schema" AS "table-schema", \
      "c"."table_name" AS "table-name", "pk"."column_name" IS NOT NULL AS "pk?", \
      COL_DESCRIPTION(CAST(CAST(FORMAT('%I.%I', CAST("c"."table_schema" AS TEXT), CAST("c"."table_name" AS TEXT)) AS REGCLASS) AS OID), "c"."ordinal_position") AS "field-comment", \
      (("column_default" IS NULL) OR (LOWER("column_default") = 'null')) AND ("is_nullable" = 'NO') \
      AND NOT ((("column_default" IS NOT NULL) AND ("column_default" LIKE '%nextval(%')) OR ("is_identity" <> 'NO')) AS "database-required", \
      (("column_default" IS NOT NULL) AND ("column_default" LIKE '%nextval(%')) OR ("is_identity" <> 'NO') AS "database-is-auto-increment" \
      FROM "information_schema"."columns" AS "c" \
      LEFT JOIN (SELECT "tc"."table_schema", "tc"."table_name", "kc"."column_name" \
      FROM "information_schema"."table_constraints" AS "tc" \
      INNER JOIN "information_schema"."key_column_usage" AS "kc" ON ("tc"."constraint_name" = "kc"."constraint_name") \
      AND ("tc"."table_schema" = "kc"."table_schema") AND ("tc"."table_name" = "kc"."table_name") \
      WHERE "tc"."constraint_type" = 'PRIMARY KEY') AS "pk" \
      ON ("c"."table_schema" = "pk"."table_schema") AND ("c"."table_name" = "pk"."table_name") AND ("c"."column_name" = "pk"."column_name") \
      WHERE c.table_schema !~ '^information_schema|catalog_history|pg_' AND ("c"."table_schema" IN (?)) AND ("c"."table_name" IN (?)) \
      UNION ALL \
      SELECT "pa"."attname" AS "name", \
      CASE WHEN "ptn"."nspname" IN ('public', 'pg_catalog') THEN FORMAT('%s', "pt"."typname") \
      ELSE FORMAT('"%s"."%s"', "ptn"."nspname", "pt"."typname") END AS "database-type", \
      "pa"."attnum" - 1 AS "database-position", "pn"."nspname" AS "table-schema", "pc"."relname" AS "table-name", \
      FALSE AS "pk?", NULL AS "field-comment", FALSE AS "database-required", FALSE AS "database-is-auto-increment" \
      FROM "pg_catalog"."pg_class" AS "pc" \
      INNER JOIN "pg_catalog"."pg_namespace" AS "pn" ON "pn"."oid" = "pc"."relnamespace" \
      INNER JOIN "pg_catalog"."pg_attribute" AS "pa" ON "pa"."attrelid" = "pc"."oid" \
      INNER JOIN "pg_catalog"."pg_type" AS "pt" ON "pt"."oid" = "pa"."atttypid" \
      INNER JOIN "pg_catalog"."pg_namespace" AS "ptn" ON "ptn"."oid" = "pt"."typnamespace" \
      WHERE ("pc"."relkind" = 'm') AND ("pa"."attnum" >= 1) AND ("pn"."nspname" IN (?)) AND ("pc"."relname" IN (?)) \
      ORDER BY "table-schema" ASC, "table-name" ASC, "database-position" ASC""";

  static final String FKS = """
      SELECT "fk_ns"."nspname" AS "fk-table-schema", "fk_table"."relname" AS "fk-table-name", \
      "fk_column"."attname" AS "fk-column-name", "pk_ns"."nspname" AS "pk-table-schema", \
      "pk_table"."relname" AS "pk-table-name", "pk_column"."attname" AS "pk-column-name" \
      FROM "pg_constraint" AS "c" \
      INNER JOIN "pg_class" AS "fk_table" ON "c"."conrelid" = "fk_table"."oid" \
      INNER JOIN "pg_namespace" AS "fk_ns" ON "c"."connamespace" = "fk_ns"."oid" \
      INNER JOIN "pg_attribute" AS "fk_column" ON "c"."conrelid" = "fk_column"."attrelid" \
      INNER JOIN "pg_class" AS "pk_table" ON "c"."confrelid" = "pk_table"."oid" \
      INNER JOIN "pg_namespace" AS "pk_ns" ON "pk_table"."relnamespace" = "pk_ns"."oid" \
      INNER JOIN "pg_attribute" AS "pk_column" ON "c"."confrelid" = "pk_column"."attrelid" \
      WHERE fk_ns.nspname !~ '^information_schema|catalog_history|pg_' AND ("c"."contype" = 'f'::char) \
      AND ("fk_column"."attnum" = ANY(c.conkey)) AND ("pk_column"."attnum" = ANY(c.confkey)) \
      AND ("fk_table"."relname" IN (?)) AND ("fk_ns"."nspname" IN (?)) \
      ORDER BY "fk-table-schema" ASC, "fk-table-name" ASC""";
}

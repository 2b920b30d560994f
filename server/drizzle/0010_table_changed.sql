-- Tables kept in memory by every app copy (platform/db/table-cache.ts): any write announces the table on the
-- event channel when its transaction commits, so each copy reads it again.
CREATE OR REPLACE FUNCTION musubi_table_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('musubi_events', json_build_object('topic', 'table_changed', 'data', json_build_object('table', TG_TABLE_NAME))::text);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER promotions_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON promotions FOR EACH STATEMENT EXECUTE FUNCTION musubi_table_changed();

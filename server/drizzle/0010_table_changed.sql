-- Tables kept in memory by every app copy (platform/db/table-cache.ts): any write announces the table on the
-- event channel when its transaction commits, so each copy reads it again.
CREATE OR REPLACE FUNCTION musubi_table_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('musubi_events', json_build_object('topic', 'table_changed', 'data', json_build_object('table', TG_TABLE_NAME))::text);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER promotions_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON promotions FOR EACH STATEMENT EXECUTE FUNCTION musubi_table_changed();
--> statement-breakpoint
-- A statement that writes several things at once (platform/db/together.ts) calls this with the reason it must
-- not go through, or NULL: a reason aborts the whole statement, so nothing of it is kept.
CREATE OR REPLACE FUNCTION musubi_refuse(reason text) RETURNS int LANGUAGE plpgsql AS $$
BEGIN
  IF reason IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'MSB01', MESSAGE = reason;
  END IF;
  RETURN 0;
END $$;

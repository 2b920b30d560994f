-- Tables each app copy keeps in memory (platform/db/table-cache.ts): a write announces itself so every copy reads them again.
CREATE TRIGGER settings_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON settings FOR EACH STATEMENT EXECUTE FUNCTION musubi_table_changed();
--> statement-breakpoint
CREATE TRIGGER locations_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON locations FOR EACH STATEMENT EXECUTE FUNCTION musubi_table_changed();
--> statement-breakpoint
CREATE TRIGGER point_campaigns_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON point_campaigns FOR EACH STATEMENT EXECUTE FUNCTION musubi_table_changed();

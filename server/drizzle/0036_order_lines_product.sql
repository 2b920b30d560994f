DROP INDEX "order_lines_order_id_index";--> statement-breakpoint
CREATE INDEX "order_lines_order_id_product_id_index" ON "order_lines" USING btree ("order_id","product_id");
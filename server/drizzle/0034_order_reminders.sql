CREATE TABLE "trigger_occasions" (
	"campaign_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"occasion" text NOT NULL,
	"fired_at" timestamp with time zone NOT NULL,
	CONSTRAINT "trigger_occasions_campaign_id_occasion_pk" PRIMARY KEY("campaign_id","occasion")
);
--> statement-breakpoint
ALTER TABLE "trigger_occasions" ADD CONSTRAINT "trigger_occasions_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- The order reminders move from orders' job to engagement's trigger engine (お知らせ（自動）): one campaign of
-- each service kind, on from the start, with the words the notices used. HQ edits words and hours; the
-- reminders cannot be paused, deleted, held out or turned into marketing (engagement/campaigns.ts).
INSERT INTO "campaigns" ("id", "name", "kind", "trigger", "title", "body", "link", "holdout_percent", "window_days",
                         "status", "created_by", "activated_at")
VALUES
  ('cmp_hold_expiring', '取り置き期限のお知らせ', 'trigger', '{"kind":"hold_expiring","withinHours":6}'::jsonb,
   '取り置きの期限が近づいています',
   'ご注文 {{number}} の取り置き期限は{{deadline}}です。期限を過ぎると自動的にキャンセルされます。',
   NULL, 0, 7, 'active', 'system', now()),
  ('cmp_pickup_waiting', '受け取りのお知らせ', 'trigger',
   '{"kind":"pickup_waiting","afterHours":24,"lastCallHours":24}'::jsonb,
   '商品のお受け取りをお待ちしています',
   'ご注文 {{number}} の商品を{{store}}でご用意しています。受け取り期限は{{deadline}}です。期限を過ぎると自動的にキャンセルされます。',
   NULL, 0, 7, 'active', 'system', now())
ON CONFLICT ("id") DO NOTHING;

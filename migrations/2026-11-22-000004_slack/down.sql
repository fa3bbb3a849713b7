DROP TABLE slack_connect_sessions;
DROP TABLE slack_link_redemptions;
DROP TABLE slack_user_links;
DROP TABLE slack_workspaces;
DROP TABLE slack_teams;

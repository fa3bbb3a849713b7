DROP TABLE artifacts;
DROP TABLE project_pins;
DROP TABLE project_members;
DROP TABLE projects;

DROP TABLE user_import_errors;
DROP TABLE user_imports;

-- One window of visit_figures.sql. Coverage counts the scope's roster households and deputies
-- reached by a visit of the window wherever it was (metrics.households_visited /
-- deputies_visiting; a visit's link carries its date and campaign, etl/schema.sql); the other
-- figures count the scope's own visits (visits_in). A part the caller does not ask for is left
-- out of the text ({coverage} is visit_coverage.sql or NULLs; {own} a literal false): DuckDB
-- runs an uncorrelated subquery even under CASE WHEN false, 0.3 s at 2,000 townships.
SELECT {i} AS bucket,
       {coverage},
       {own_columns}
FROM visits_in(($starts::DATE[])[{i}], ($ends::DATE[])[{i}], $towns) v
WHERE {in_window} AND {own}

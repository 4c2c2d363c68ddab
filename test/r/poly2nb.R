# Reference queen contiguity from R spdep::poly2nb for test/stats-gistar.test.ts.
# Usage: Rscript test/r/poly2nb.R areas.geojson out.txt
#   out.txt: one line per feature (file order): space-separated 1-based neighbour indices, self excluded
suppressPackageStartupMessages({ library(sf); library(spdep) })
args <- commandArgs(trailingOnly = TRUE)
sf_use_s2(FALSE)
areas <- st_read(args[1], quiet = TRUE)
nb <- poly2nb(areas, queen = TRUE)
writeLines(vapply(nb, function(v) paste(v[v > 0], collapse = " "), ""), args[2])

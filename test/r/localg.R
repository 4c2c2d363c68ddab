# Reference Gi* from R spdep for test/stats-gistar.test.ts.
# Usage: Rscript test/r/localg.R values.txt nb.txt out.txt
#   values.txt: one value per line (unit order)
#   nb.txt:     one line per unit: space-separated 1-based neighbour indices, the unit itself NOT included
#               (an empty line = no neighbours); include.self() adds it here, as Gi* requires
#   out.txt:    written: one z per line, 17 significant digits
suppressPackageStartupMessages(library(spdep))
args <- commandArgs(trailingOnly = TRUE)
x <- as.numeric(readLines(args[1]))
lines <- readLines(args[2])
stopifnot(length(lines) == length(x))
nb <- lapply(lines, function(l) {
  v <- as.integer(strsplit(trimws(l), " +")[[1]])
  v <- v[!is.na(v)]
  if (length(v) == 0) 0L else sort(v)
})
class(nb) <- "nb"
attr(nb, "region.id") <- as.character(seq_along(x))
attr(nb, "sym") <- is.symmetric.nb(nb, verbose = FALSE, force = TRUE)
lw <- nb2listw(include.self(nb), style = "B", zero.policy = TRUE)
g <- localG(x, lw, zero.policy = TRUE)
writeLines(formatC(as.numeric(g), digits = 17, format = "g", width = 1), args[3])

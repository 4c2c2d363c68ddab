# Reference p.adjust, Mann-Kendall, pnorm and binom.test for test/stats-*.test.ts.
# Usage: Rscript test/r/reference.R in.txt out.txt
#   in.txt: line 1 = p-values (space-separated), line 2 = a series for Mann-Kendall, line 3 = z-values for pnorm,
#           line 4 = count pairs n1,n2 (space-separated) for binom.test(n1, n1 + n2, 0.5)
#   out.txt: line 1 = BH, line 2 = Holm, line 3 = S varS Z p, line 4 = 2*pnorm(-|z|) per z,
#           line 5 = binom.test p per pair
args <- commandArgs(trailingOnly = TRUE)
inp <- readLines(args[1])
p <- as.numeric(strsplit(inp[1], " ")[[1]])
x <- as.numeric(strsplit(inp[2], " ")[[1]])
zs <- as.numeric(strsplit(inp[3], " ")[[1]])
pairs <- lapply(strsplit(strsplit(inp[4], " ")[[1]], ","), as.integer)
bt <- vapply(pairs, function(q) binom.test(q[1], q[1] + q[2], 0.5)$p.value, 0)
f <- function(v) paste(formatC(v, digits = 17, format = "g", width = 1), collapse = " ")
n <- length(x)
s <- 0
for (i in 1:(n - 1)) for (j in (i + 1):n) s <- s + sign(x[j] - x[i])
ties <- table(x)
varS <- (n * (n - 1) * (2 * n + 5) - sum(ties * (ties - 1) * (2 * ties + 5))) / 18
z <- if (s > 0) (s - 1) / sqrt(varS) else if (s < 0) (s + 1) / sqrt(varS) else 0
writeLines(c(f(p.adjust(p, "BH")), f(p.adjust(p, "holm")), f(c(s, varS, z, 2 * pnorm(-abs(z)))), f(2 * pnorm(-abs(zs))), f(bt)), args[2])

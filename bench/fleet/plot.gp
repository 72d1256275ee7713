# One PNG per simulated run (docs/FLEET.md), from pulse-fleet's CSV files:
#   gnuplot -e "run='out/power-cut-100000-current'; title='...'; png='power-cut.png'; steady=1666.7" plot.gp
set terminal pngcairo size 1000,900 font "sans,10"
set output png
set datafile separator ","
set key top right
set multiplot layout 3,1 title title

set title "Requests per second at the server"
set xlabel "simulated time (h)"
set ylabel "requests/s"
set logscale y
set yrange [0.5:*]
plot run.".load.csv" every ::1 using ($1/3600):($2 > 0 ? $2 : 1/0) with lines lw 1 lc rgb "#c03030" title "arrived (incl. refused)", \
     "" every ::1 using ($1/3600):($3 > 0 ? $3 : 1/0) with lines lw 1 lc rgb "#3060c0" title "accepted", \
     "" every ::1 using ($1/3600):($5 > 0 ? $5 : 1/0) with lines lw 2 dt 2 lc rgb "black" title "capacity"
unset logscale y
set yrange [0:*]

set title "Heartbeat requests per minute (2x the steady mean is the bound after the first hour)"
set ylabel "heartbeats/min"
plot run.".load.csv" every 60::1 using ($1/3600):(0) with lines lc rgb "white" notitle, \
     "< awk -F, 'NR>1{m=int($1/60); c[m]+=$4} END{for(i in c) print i\",\"c[i]}' ".run.".load.csv | sort -t, -n -k1" \
     using ($1/60):2 with steps lw 1 lc rgb "#208020" title "heartbeats", \
     2*steady with lines lw 2 dt 2 lc rgb "black" title "2x steady mean"

set title "Delivery lag: creation to 2xx"
set xlabel "lag (s)"
set ylabel "fraction of events delivered within"
set logscale x
set xrange [1:*]
set yrange [0:1.02]
plot run.".lag.csv" every ::1 using 1:2 with steps lw 2 lc rgb "#8040a0" title "events"
unset multiplot

#!/usr/bin/env bash
# evaluate.sh prints the rows of README's model table for one model (or
# an ensemble): every domain's test or dev set, greedy and beam 5, BLEU
# cased and lowercased and chrF2, with the default compute.
#
#   docs/models/evaluate.sh de-en de en LABEL MODEL [MODEL...]
#
# Run it from the repository root with `nmt` on PATH (or NMT=path/to/nmt).
# Arguments: source and target language (de en or en de), a label for the
# table, then one or more model files or built-in names (several: an
# ensemble). Sets: Tatoeba dev (2,000), Multi30k test_2016_flickr (1,000;
# only scored, never used to choose anything), WMT newstest2013 (3,000).
# SETS="tatoeba multi30k-val" picks others; multi30k-val is the
# validation set the runs chose checkpoints on.
set -euo pipefail
src=$1 tgt=$2 label=$3
shift 3
nmt=${NMT:-nmt}
data=${DATA:-../shared/data}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

models=()
for m in "$@"; do models+=(-m "$m"); done

set_files() { # name -> source and reference file
	case $1 in
	tatoeba) echo "$data/tatoeba/dev.$src.gz $data/tatoeba/dev.$tgt.gz" ;;
	multi30k) echo "$data/multi30k/test_2016_flickr.$src.gz $data/multi30k/test_2016_flickr.$tgt.gz" ;;
	multi30k-val) echo "$data/multi30k/val.$src.gz $data/multi30k/val.$tgt.gz" ;;
	news) echo "$data/news/dev.$src.gz $data/news/dev.$tgt.gz" ;;
	*) echo "unknown set $1" >&2; exit 2 ;;
	esac
}

score() { # hyp ref [--lowercase] -> number
	"$nmt" eval --hyp "$1" --ref "$2" -m "$3" --format json ${4:-} |
		sed -n 's/.*"score": *\([0-9.]*\).*/\1/p' | head -1
}

for set in ${SETS:-tatoeba multi30k news}; do
	read -r s r < <(set_files "$set")
	zcat "$s" > "$work/src"
	zcat "$r" > "$work/ref"
	for beam in 1 5; do
		start=$(date +%s.%N)
		"$nmt" translate "${models[@]}" --beam "$beam" -i "$work/src" -o "$work/hyp"
		end=$(date +%s.%N)
		cased=$(score "$work/hyp" "$work/ref" bleu)
		lc=$(score "$work/hyp" "$work/ref" bleu --lowercase)
		chrf=$(score "$work/hyp" "$work/ref" chrf)
		search=greedy
		[ "$beam" = 1 ] || search="beam $beam"
		printf '| %s | %s | %s | %s | %s | %s | %.1f s |\n' "$label" "$set" "$search" "$cased" "$lc" "$chrf" "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')"
	done
done

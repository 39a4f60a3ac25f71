#!/bin/sh
# stage4.sh LXMERT DIR FROM TO: the default model's stage 4, a curriculum that teaches it to
# read the boxes (see MODEL_CARD.md). FROM is stage 3's model folder, TO receives the result
# (float32); pools and intermediate models go under DIR. Seeds and schedules are the ones the
# shipped model was made with; threaded float sums make reruns differ slightly.
set -eu
B=$1 D=$2 FROM=$3 TO=$4
SEL="python3 $(dirname "$0")/select_questions.py"
mkdir -p "$D"

# Pools: position questions only; a position-heavy mix; spatial questions; two broad mixes.
$B scenes --out "$D/po" --seed 102 --scenes 6000 --questions-per-scene 4 --prefix po --mix position=1
$B scenes --out "$D/ps" --seed 101 --scenes 8000 --questions-per-scene 8 --prefix ps \
	--mix position=3,spatial=3,compare=1,count=1,attribute=0.5,exist=0.5
$B scenes --out "$D/sp" --seed 103 --scenes 24000 --questions-per-scene 5 --prefix sp --mix spatial=1
$B scenes --out "$D/mx" --seed 104 --scenes 20000 --questions-per-scene 8 --prefix mx \
	--mix spatial=6,position=1,compare=1.5,count=1.5,attribute=0.5,exist=0.5
$B scenes --out "$D/pl" --seed 105 --scenes 16000 --questions-per-scene 8 --prefix pl \
	--mix attribute=0.5,exist=0.5,count=2.5,compare=2.5,spatial=3,position=0.5
$B scenes --out "$D/sq" --seed 106 --scenes 24000 --questions-per-scene 5 --prefix sq --mix spatial=1
$B scenes --out "$D/pn" --seed 108 --scenes 16000 --questions-per-scene 8 --prefix pn \
	--mix attribute=0.5,exist=0.5,count=2.5,compare=2.5,spatial=3,position=0.5
$SEL halves left "$D/po/questions.json" "$D/po/left.json"
$SEL halves left,right "$D/po/questions.json" "$D/po/leftright.json"
$SEL halves top,bottom "$D/po/questions.json" "$D/po/topbottom.json"
$SEL relations "$D/sp/questions.json" "$D/sp/relations.json"
$SEL relations "$D/sq/questions.json" "$D/sq/relations.json"

# step NAME FROM POOL QUESTIONS EPOCHS BATCH LR WARMUP SEED THREADS
step() {
	echo "stage 4 $1: $3/$4, $5 epochs, batch $6, lr $7"
	$B train --model "$2" --data "$D/$3/$4" --features "$D/$3/features.tsv" --out "$D/$1" \
		--epochs "$5" --batch-size "$6" --lr "$7" --warmup-ratio "$8" --seed "$9" --threads "${10}"
}
# One side of the picture: a yes/no answer that the box alone decides.
step a "$FROM" po left.json 4 128 1e-3 0.05 5 2
# From here on a low learning rate: at 1e-3 the answer's dependence on the side word (an
# XOR of word and position) collapses to a constant answer.
step b "$D/a" po leftright.json 6 64 2e-4 0.05 7 2
step c "$D/b" ps questions.json 2 64 2e-4 0.05 8 2
step d "$D/c" po topbottom.json 4 64 2e-4 0.05 9 1
step e "$D/d" po questions.json 4 64 2e-4 0.05 10 2
step f "$D/e" ps questions.json 2 64 2e-4 0.05 11 1
# Relations between two objects, then everything again.
step g "$D/f" sp relations.json 2 64 2e-4 0.02 15 1
step h "$D/g" mx questions.json 2 64 2e-4 0.02 16 1
step i "$D/h" pl questions.json 2 64 2e-4 0.02 18 1
# Relations again on fresh scenes at half the rate (where the comparison of two boxes is
# learned: spatial yes/no 80% -> 92%, while counting is forgotten), then everything.
step j "$D/i" sq relations.json 3 64 1e-4 0.02 20 1
step k "$D/j" pn questions.json 2 64 1e-4 0.02 22 1
mkdir -p "$TO"
cp "$D/k/config.json" "$D/k/model.safetensors" "$TO/"

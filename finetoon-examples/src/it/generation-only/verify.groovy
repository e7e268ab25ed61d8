def tree = new File(basedir, 'target/dependency-tree.txt').text
assert tree.contains('dev.finetoon:finetoon-onnx:jar')
assert !tree.contains('ai.djl') : 'a generation-only app carries DJL:\n' + tree
assert !tree.contains(':test') : 'a test dependency leaked into the app:\n' + tree
assert !tree.contains('junit') && !tree.contains('assertj') : "the parent's test libraries leaked in:\n" + tree
assert tree.contains('dev.finetoon:finetoon-faceapi-weights:jar') : 'no face-api weights:\n' + tree
assert new File(basedir, 'build.log').text.contains('generated ')
return true

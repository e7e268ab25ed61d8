def tree = new File(basedir, 'target/dependency-tree.txt').text
assert tree.contains('dev.finetoon:finetoon-train:jar')
assert tree.contains('ai.djl.pytorch:pytorch-native-cpu:jar:linux-x86_64') : 'no offline PyTorch natives:\n' + tree
assert !tree.contains(':test') : 'a test dependency leaked into the app:\n' + tree
def log = new File(basedir, 'build.log').text
assert log.contains('card call: 256x256 toon')
assert log.contains('session photo 3:')
assert log.contains('host app: done')
assert new File(basedir, 'target/out/card-toonified.png').length() > 0
return true

// The harness, not the app: the tiny LPIPS network stands in for NVIDIA's vgg16.pt in the app's resource cache.
import java.nio.file.*
def cache = basedir.toPath().resolve('target/finetoon-cache')
Files.createDirectories(cache)
Files.copy(Paths.get(finetoonShared, 'reference', 'tiny', 'tiny_lpips.pt'), cache.resolve('vgg16.pt'),
    StandardCopyOption.REPLACE_EXISTING)
return true

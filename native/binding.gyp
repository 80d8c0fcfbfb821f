{
  "targets": [
    {
      "target_name": "depthserve_kernels",
      "sources": ["binding.c", "huffman-zlib.c", "kernels.c"],
      # No fused multiply-adds: every sum is rounded as the JS kernels round it,
      # so native and JS results are the same to the bit.
      "cflags": ["-O3", "-ffp-contract=off", "-fno-fast-math", "-std=c11"],
      "conditions": [
        # The JPEG/PNG decoder needs libjpeg(-turbo) and libpng headers; without
        # them the addon builds without it and sharp decodes every photo.
        ["'<!(sh has-codecs.sh)'=='yes'", {
          "sources": ["decode.c"],
          "defines": ["DEPTHSERVE_CODECS"],
          "libraries": ["-ljpeg", "-lpng16"]
        }]
      ]
    }
  ]
}

#!/usr/bin/env bash
# Builds the HsmKmip packages on Debian 12 with Debian's own tools:
#   packaging/out/hsmkmip_<version>_amd64.deb    (dpkg-deb)
#   packaging/out/hsmkmip-<version>.x86_64.rpm   (rpmbuild from Debian's `rpm` package)
# The program is a self-contained single-file .NET publish (the target host needs no Microsoft repository).
# Usage: packaging/build.sh [--version X.Y.Z] [--out DIR] [--no-publish (reuse DIR/publish)]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props" | head -n1)"
out="$root/packaging/out"
publish=1
while [ $# -gt 0 ]; do
  case "$1" in
    --version) version="$2"; shift 2 ;;
    --out) out="$(realpath -m "$2")"; shift 2 ;;
    --no-publish) publish=0; shift ;;
    -h|--help) sed -n '2,6p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "build.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
if ! [[ "$version" =~ ^[0-9]+(\.[0-9]+)*$ ]]; then
  echo "build.sh: --version wants digits and dots (e.g. 0.2.0), not '$version'" >&2; exit 2
fi
"$root/packaging/install-deps.sh" dpkg-dev rpm
mkdir -p "$out"
pub="$out/publish"

if [ "$publish" -eq 1 ] || [ ! -x "$pub/hsmkmip" ]; then
  rm -rf "$pub"
  # Single file, compressed: one 40 MB ELF instead of 256 files (83 MB). Nothing is extracted to disk at start
  # (the runtime's native parts are linked into the host), so ProtectSystem=strict needs no writable bundle folder.
  # Not trimmed: LiteDB and Pkcs11Interop are not trim-annotated and reach types by reflection the trimmer cannot see.
  dotnet publish "$root/src/HsmKmip.Server/HsmKmip.Server.csproj" -c Release -r linux-x64 --self-contained true \
    -p:PublishSingleFile=true -p:EnableCompressionInSingleFile=true -p:DebugType=none -p:GenerateDocumentationFile=false \
    -p:Version="$version" --nologo -v quiet -clp:ErrorsOnly -o "$pub"
fi

# One staging tree per format: the files both packages carry, with their final modes.
stage() { # stage DIR UNITDIR
  local dir="$1" unitdir="$2"
  rm -rf "$dir"
  install -d -m 0755 "$dir/usr/lib/hsmkmip" "$dir/usr/bin" "$dir/etc/hsmkmip" "$dir$unitdir" \
    "$dir/usr/share/doc/hsmkmip" "$dir/usr/share/man/man1"
  install -m 0755 "$pub/hsmkmip" "$dir/usr/lib/hsmkmip/hsmkmip"
  ln -s ../lib/hsmkmip/hsmkmip "$dir/usr/bin/hsmkmip"
  install -m 0644 "$root/packaging/common/hsmkmip.json" "$dir/etc/hsmkmip/hsmkmip.json"
  install -m 0644 "$root/systemd/hsmkmip.service" "$dir$unitdir/hsmkmip.service"
  install -m 0644 "$root/README.md" "$dir/usr/share/doc/hsmkmip/README.md"
  sed "s/@VERSION@/$version/" "$root/packaging/common/hsmkmip.1" | gzip -9n > "$dir/usr/share/man/man1/hsmkmip.1.gz"
  chmod 0644 "$dir/usr/share/man/man1/hsmkmip.1.gz"
}

# ---- .deb ----
deb="$out/deb-root"
stage "$deb" /lib/systemd/system
install -m 0644 "$root/packaging/common/copyright" "$deb/usr/share/doc/hsmkmip/copyright"
install -d -m 0755 "$deb/usr/share/lintian/overrides"
install -m 0644 "$root/packaging/common/lintian-overrides" "$deb/usr/share/lintian/overrides/hsmkmip"
# Library dependencies as dpkg-shlibdeps reads them from the ELF (OpenSSL is dlopen'ed: named in the control file).
shl="$(mktemp -d)"
mkdir -p "$shl/debian" && printf 'Source: hsmkmip\n\nPackage: hsmkmip\nArchitecture: amd64\n' > "$shl/debian/control"
shlibs="$(cd "$shl" && dpkg-shlibdeps -O -e "$deb/usr/lib/hsmkmip/hsmkmip" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')"
rm -rf "$shl"
[ -n "$shlibs" ] || { echo "build.sh: dpkg-shlibdeps found no library dependencies" >&2; exit 1; }
gzip -9n < "$root/README.md" > "$deb/usr/share/doc/hsmkmip/README.md.gz" && rm "$deb/usr/share/doc/hsmkmip/README.md"
date="$(date -R -d "@${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)}")"
sed -e "s/@VERSION@/$version/" -e "s/@DATE@/$date/" "$root/packaging/deb/changelog" | gzip -9n > "$deb/usr/share/doc/hsmkmip/changelog.gz"
chmod 0644 "$deb/usr/share/doc/hsmkmip/"*
install -d -m 0755 "$deb/DEBIAN"
installed_kb="$(du -sk --exclude=DEBIAN "$deb" | cut -f1)"
sed -e "s/@VERSION@/$version/" -e "s/@SIZE@/$installed_kb/" -e "s/@SHLIBS@/$shlibs/" "$root/packaging/deb/control" > "$deb/DEBIAN/control"
install -m 0644 "$root/packaging/deb/conffiles" "$deb/DEBIAN/conffiles"
for s in postinst prerm postrm; do install -m 0755 "$root/packaging/deb/$s" "$deb/DEBIAN/$s"; done
(cd "$deb" && find . \( -path ./DEBIAN -o -path ./etc \) -prune -o -type f -print | sed 's:^\./::' | sort | xargs md5sum > DEBIAN/md5sums)
chmod 0644 "$deb/DEBIAN/md5sums"
debfile="$out/hsmkmip_${version}_amd64.deb"
dpkg-deb --root-owner-group -Zxz --build "$deb" "$debfile" >/dev/null

# ---- .rpm ----
rpmroot="$out/rpm-root"
stage "$rpmroot" /usr/lib/systemd/system
install -m 0644 "$root/packaging/common/copyright" "$rpmroot/usr/share/doc/hsmkmip/copyright"
top="$out/rpmbuild"
rm -rf "$top"; mkdir -p "$top"/{BUILD,RPMS,SPECS,SRPMS,BUILDROOT}
rpmbuild -bb --quiet --nodeps \
  --define "_topdir $top" --define "_hsmkmip_version $version" --define "_hsmkmip_stage $rpmroot" \
  --define "_build_id_links none" --define "__strip /bin/true" --define "__brp_strip /bin/true" \
  --define "__os_install_post %{nil}" --define "debug_package %{nil}" \
  "$root/packaging/rpm/hsmkmip.spec" >/dev/null
rpmfile="$out/hsmkmip-${version}.x86_64.rpm"
mv "$top/RPMS/x86_64/hsmkmip-${version}-1.x86_64.rpm" "$rpmfile"
rm -rf "$top"

echo "$debfile"
echo "$rpmfile"

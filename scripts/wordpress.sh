#!/usr/bin/env bash
# Start a real WordPress for the tests, unless this script's one answers.
#
# Usage:
#   eval "$(scripts/wordpress.sh)"     # start or find it, export IGNY8_TEST_WORDPRESS_*
#   scripts/wordpress.sh stop          # stop the servers this script started
#
# Messages go to stderr; stdout carries only the export line. WordPress is
# Debian's `wordpress` package (PHP 8.2) with a private MariaDB, both on
# loopback with their files in data/wordpress:
#   - MariaDB on a socket in data/wordpress only (no TCP port), database
#     wordpress;
#   - WordPress served by PHP's built-in server (4 workers) on 127.0.0.1,
#     at the first port from IGNY8_WORDPRESS_PORT (default 8480) that is
#     free or already this checkout's WordPress, from a copy of
#     /usr/share/wordpress with its own wp-config.php, pretty permalinks
#     (so both /wp-json/ and ?rest_route= work) and
#     WP_ENVIRONMENT_TYPE=local, under which WordPress offers Application
#     Passwords without HTTPS.
# The first start makes an Application Password for the administrator
# igny8 (kept in data/wordpress/app-password) and later ones export it. Packages missing are installed from Debian's (as root).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
port=${IGNY8_WORDPRESS_PORT:-8480}
dir=$repo/data/wordpress
www=$dir/www
db=$dir/mysql
sock=$dir/mysqld.sock
user=igny8

say() { echo "wordpress.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }

stop_pid() { # stop_pid FILE NAME: stop a process group (PHP's workers are its children)
  local pid
  pid=$(cat "$1" 2>/dev/null) || return 0
  if kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null; then
    say "stopped $2"
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$1"
}

if [ "${1:-}" = stop ]; then
  stop_pid "$dir/php.pid" "WordPress (php)"
  stop_pid "$dir/mysqld.pid" "MariaDB"
  exit 0
elif [ $# -gt 0 ]; then
  die "unknown argument $1 (usage: wordpress.sh [stop])"
fi

# Debian's packages: WordPress, PHP's CLI (its built-in server), the
# extensions WordPress uses, MariaDB's server and client.
need=()
[ -f /usr/share/wordpress/wp-settings.php ] || need+=(wordpress)
# A theme, so that the posts IGNY8 writes can be looked at.
[ -d /usr/share/wordpress/wp-content/themes/twentytwentythree ] || need+=(wordpress-theme-twentytwentythree)
command -v php >/dev/null || need+=(php-cli)
command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || need+=(mariadb-server)
command -v mariadb >/dev/null || need+=(mariadb-client)
command -v curl >/dev/null || need+=(curl)
if command -v php >/dev/null; then
  for ext in mysqli gd xml mbstring curl; do
    php -m 2>/dev/null | grep -qix "$ext" || need+=("php-$([ "$ext" = mysqli ] && echo mysql || echo "$ext")")
  done
else
  need+=(php-mysql php-gd php-xml php-mbstring php-curl)
fi
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || die "missing Debian packages; run: sudo apt-get install -y --no-install-recommends ${need[*]}"
  say "installing ${need[*]} from Debian's packages"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi
mariadbd=$(command -v mariadbd || echo /usr/sbin/mariadbd)

sql() { mariadb --no-defaults -uroot --socket="$sock" "$@"; }
db_answers() { sql -e 'SELECT 1' >/dev/null 2>&1; }
wp_answers() { curl -fsS -o /dev/null --max-time 5 "${url}?rest_route=/" 2>/dev/null; }
# ours ADDR: is the server at ADDR this checkout's WordPress? (it serves our id)
ours() { [ "$(curl -fsS --max-time 5 "http://$1/igny8-checkout.txt" 2>/dev/null)" = "$(cat "$dir/checkout-id")" ]; }
taken() { curl -sS -o /dev/null --max-time 2 "http://$1/" 2>/dev/null; }

mkdir -p "$dir"
[ -f "$dir/checkout-id" ] || head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$dir/checkout-id"

# MariaDB: a private server for WordPress's tables.
if ! db_answers; then
  if [ ! -d "$db/mysql" ]; then
    say "creating MariaDB's files in data/wordpress/mysql"
    mkdir -p "$db"
    mariadb-install-db --no-defaults --datadir="$db" --user="$(id -un)" \
      --auth-root-authentication-method=normal --skip-test-db >"$dir/mysql-install.log" 2>&1 ||
      die "mariadb-install-db failed; see data/wordpress/mysql-install.log"
  fi
  say "starting MariaDB on data/wordpress/mysqld.sock (log in data/wordpress/mysqld.log)"
  setsid "$mariadbd" --no-defaults --datadir="$db" --socket="$sock" --skip-networking \
    --user="$(id -un)" --pid-file="$dir/mysqld.pid" --log-error="$dir/mysqld.log" --skip-log-bin \
    --innodb-buffer-pool-size=64M --innodb-flush-log-at-trx-commit=0 </dev/null >/dev/null 2>&1 &
  for _ in $(seq 150); do db_answers && break; sleep 0.2; done
  db_answers || die "MariaDB did not start; see data/wordpress/mysqld.log"
fi
sql -e "CREATE DATABASE IF NOT EXISTS wordpress CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"

# WordPress's files: a copy of Debian's, so that this checkout owns its
# configuration, uploads and plugins (Debian's wp-config.php reads
# /etc/wordpress/config-HOST.php, and PHP resolves symbolic links, so a
# copy is the simple way to a config of our own).
version=$(sed -n "s/^\$wp_version = '\(.*\)';/\1/p" /usr/share/wordpress/wp-includes/version.php)
if [ "$(cat "$www/.igny8-version" 2>/dev/null)" != "$version" ]; then
  say "copying WordPress $version into data/wordpress/www"
  rm -rf "$www"
  cp -a /usr/share/wordpress "$www"
  rm -f "$www/wp-config.php"
  mkdir -p "$www/wp-content/uploads" "$www/wp-content/themes" "$www/wp-content/plugins"
  echo "$version" >"$www/.igny8-version"
fi
for theme in /usr/share/wordpress/wp-content/themes/*; do
  [ -d "$theme" ] && [ ! -e "$www/wp-content/themes/$(basename "$theme")" ] && cp -rL "$theme" "$www/wp-content/themes/"
done
cp "$dir/checkout-id" "$www/igny8-checkout.txt"

# The address: this checkout's server if one runs, else the first free port.
addr=
for p in $(seq "$port" $((port + 20))); do
  if ours "127.0.0.1:$p"; then addr=127.0.0.1:$p; break; fi
  if ! taken "127.0.0.1:$p"; then addr=127.0.0.1:$p; break; fi
done
[ -n "$addr" ] || die "ports $port to $((port + 20)) are all taken; set IGNY8_WORDPRESS_PORT"
url="http://$addr/"

salt=$(head -c 48 /dev/urandom | base64 | tr -d '/+=')
[ -f "$dir/salt" ] || echo "$salt" >"$dir/salt"
cat >"$www/wp-config.php" <<EOF
<?php
// Written by scripts/wordpress.sh: a WordPress for IGNY8's tests, on loopback only.
define('DB_NAME', 'wordpress');
define('DB_USER', 'root');
define('DB_PASSWORD', '');
define('DB_HOST', 'localhost:$sock');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
foreach (array('AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT') as \$k) {
  define(\$k, '$(cat "$dir/salt")' . \$k);
}
\$table_prefix = 'wp_';
define('WP_ENVIRONMENT_TYPE', 'local'); // Application Passwords without HTTPS
define('WP_HOME', 'http://$addr');
define('WP_SITEURL', 'http://$addr');
define('WP_CONTENT_DIR', __DIR__ . '/wp-content');
define('WP_CONTENT_URL', 'http://$addr/wp-content');
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_AUTO_UPDATE_CORE', false);
define('DISABLE_WP_CRON', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('WP_DEBUG', false);
define('FS_METHOD', 'direct');
if (!defined('ABSPATH')) {
  define('ABSPATH', __DIR__ . '/');
}
require_once ABSPATH . 'wp-settings.php';
EOF

# The built-in server's router: files are served as they are, anything
# else goes to index.php (pretty permalinks, /wp-json/).
cat >"$dir/router.php" <<'EOF'
<?php
$path = urldecode(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH));
$file = $_SERVER['DOCUMENT_ROOT'] . $path;
if ($path !== '/' && is_file($file)) {
  return false;
}
if (is_dir($file) && is_file(rtrim($file, '/') . '/index.php')) {
  $_SERVER['SCRIPT_NAME'] = rtrim($path, '/') . '/index.php';
  $_SERVER['SCRIPT_FILENAME'] = rtrim($file, '/') . '/index.php';
  chdir(rtrim($file, '/'));
  require rtrim($file, '/') . '/index.php';
  return;
}
$_SERVER['SCRIPT_NAME'] = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $_SERVER['DOCUMENT_ROOT'] . '/index.php';
require $_SERVER['DOCUMENT_ROOT'] . '/index.php';
EOF

if ! ours "$addr"; then
  say "starting WordPress at $url (log in data/wordpress/php.log)"
  PHP_CLI_SERVER_WORKERS=4 setsid php -d upload_max_filesize=16M -d post_max_size=16M -d memory_limit=256M \
    -S "$addr" -t "$www" "$dir/router.php" </dev/null >"$dir/php.log" 2>&1 &
  echo $! >"$dir/php.pid"
fi

for _ in $(seq 100); do wp_answers && break; sleep 0.1; done
wp_answers || die "WordPress does not answer at $url; see data/wordpress/php.log"

# Install (once) and set pretty permalinks; keep the Application Password
# while it works (tests running meanwhile hold it), else make a new one.
works() { curl -fsS -o /dev/null -u "$user:$1" "${url}wp-json/wp/v2/users/me" 2>/dev/null; }
password=$(cat "$dir/app-password" 2>/dev/null || true)
if [ -z "$password" ] || ! works "$password"; then
  password=$(cd "$www" && HTTP_HOST=$addr php -d memory_limit=256M -r '
    $_SERVER["HTTP_HOST"] = getenv("HTTP_HOST");
    $_SERVER["REQUEST_URI"] = "/";
    define("WP_INSTALLING", true);
    require "wp-load.php";
    require_once ABSPATH . "wp-admin/includes/upgrade.php";
    if (!is_blog_installed()) {
      wp_install("IGNY8 test site", "'"$user"'", "wordpress@example.test", false, "", wp_generate_password(24));
    }
    update_option("permalink_structure", "/%postname%/");
    if (wp_get_theme("twentytwentythree")->exists()) {
      switch_theme("twentytwentythree");
    }
    flush_rewrite_rules(false);
    $u = get_user_by("login", "'"$user"'");
    WP_Application_Passwords::delete_all_application_passwords($u->ID);
    list($pw) = WP_Application_Passwords::create_new_application_password($u->ID, array("name" => "igny8 tests"));
    echo $pw;
  ' 2>"$dir/install.log") || die "installing WordPress failed; see data/wordpress/install.log"
  [ -n "$password" ] || die "no Application Password was made; see data/wordpress/install.log"
  (umask 077 && echo "$password" >"$dir/app-password")
  works "$password" ||
    die "WordPress answers but refuses the Application Password at ${url}wp-json/wp/v2/users/me"
fi
say "WordPress $version at $url (user $user)"
echo "export IGNY8_TEST_WORDPRESS_URL='$url' IGNY8_TEST_WORDPRESS_USER='$user' IGNY8_TEST_WORDPRESS_APP_PASSWORD='$password'"

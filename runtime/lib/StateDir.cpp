//===- StateDir.cpp - state directory helpers -----------------------------===//

#include "lfrt/StateDir.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace lfrt {

bool fileExists(const std::string &p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0;
}

bool makeDirs(const std::string &path, std::string &err) {
  std::string cur;
  std::stringstream ss(path);
  std::string part;
  if (!path.empty() && path[0] == '/')
    cur = "/";
  while (std::getline(ss, part, '/')) {
    if (part.empty())
      continue;
    cur += part + "/";
    if (mkdir(cur.c_str(), 0755) != 0 && errno != EEXIST) {
      err = "cannot create " + cur + ": " + std::strerror(errno);
      return false;
    }
  }
  return true;
}

bool writeFileAtomic(const std::string &path, const std::string &data,
                     std::string &err) {
  std::string tmp = path + ".tmp." + std::to_string(getpid());
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    err = "cannot write " + tmp + ": " + std::strerror(errno);
    return false;
  }
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = write(fd, data.data() + off, data.size() - off);
    if (n <= 0) {
      err = "cannot write " + tmp + ": " + std::strerror(errno);
      close(fd);
      return false;
    }
    off += n;
  }
  fsync(fd);
  close(fd);
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    err = "cannot rename " + tmp + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

bool readFile(const std::string &path, std::string &data) {
  std::ifstream f(path, std::ios::binary);
  if (!f)
    return false;
  std::stringstream ss;
  ss << f.rdbuf();
  data = ss.str();
  return true;
}

bool appendLine(const std::string &path, const std::string &line) {
  FILE *f = std::fopen(path.c_str(), "a+");
  if (!f)
    return false;
  // A line torn by a crash stays alone: the next one starts a line of its own.
  if (std::fseek(f, -1, SEEK_END) == 0 && std::fgetc(f) != '\n')
    std::fputc('\n', f);
  std::fputs(line.c_str(), f);
  std::fputc('\n', f);
  std::fflush(f);
  fsync(fileno(f));
  std::fclose(f);
  return true;
}

// checkpoint: "LFRTCKP1" u32 count, then per param: u32 name len, name,
// u32 rank, i64 dims..., f32 values
bool saveCheckpoint(const std::string &path, const std::vector<NetParam> &p,
                    std::string &err) {
  std::string d = "LFRTCKP1";
  auto u32 = [&](uint32_t v) { d.append((const char *)&v, 4); };
  u32(p.size());
  for (const NetParam &q : p) {
    u32(q.name.size());
    d += q.name;
    u32(q.shape.size());
    for (int64_t s : q.shape)
      d.append((const char *)&s, 8);
    d.append((const char *)q.values.data(), 4 * q.values.size());
  }
  return writeFileAtomic(path, d, err);
}

bool loadCheckpoint(const std::string &path, const std::vector<NetParam> &shapeOf,
                    std::vector<NetParam> &out, std::string &err) {
  std::string d;
  if (!readFile(path, d))
    return false;
  size_t off = 8;
  auto need = [&](size_t n) { return off + n <= d.size(); };
  auto u32 = [&](uint32_t &v) {
    if (!need(4)) return false;
    std::memcpy(&v, d.data() + off, 4);
    off += 4;
    return true;
  };
  uint32_t n;
  if (d.compare(0, 8, "LFRTCKP1") != 0 || !u32(n) || n != shapeOf.size()) {
    err = path + ": not a checkpoint of this model";
    return false;
  }
  out = shapeOf;
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t len, rank;
    if (!u32(len) || !need(len)) { err = path + ": truncated"; return false; }
    std::string name = d.substr(off, len);
    off += len;
    if (!u32(rank) || !need(8 * rank)) { err = path + ": truncated"; return false; }
    std::vector<int64_t> shape(rank);
    std::memcpy(shape.data(), d.data() + off, 8 * rank);
    off += 8 * rank;
    if (name != shapeOf[i].name || shape != shapeOf[i].shape) {
      err = path + ": parameter " + name + " does not match the model";
      return false;
    }
    size_t cnt = shapeOf[i].values.size();
    if (!need(4 * cnt)) { err = path + ": truncated"; return false; }
    std::memcpy(out[i].values.data(), d.data() + off, 4 * cnt);
    off += 4 * cnt;
  }
  return true;
}

} // namespace lfrt

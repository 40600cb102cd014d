// cxx-program.cc: a small C++ program that tests/cxx-names.sh profiles,
// built as users build it (-g -O2 -finstrument-functions), with g++ and
// clang++. Its report must read as C++, with a file and a line on every
// row, libstdc++'s functions included. The lines of its own functions
// are checked by the script: keep them where they are.
#include <cstdio>
#include <string>
#include <vector>

namespace shapes
{
  template <typename T>
  class Square
  {
  public:
    explicit Square (T side) : side_ (side) {}
    T area () const { return side_ * side_; }
    Square operator+ (const Square &other) const { return Square (side_ + other.side_); }

  private:
    T side_;
  };

  std::string
  describe (const std::vector<int> &areas)
  {
    std::string text;

    for (int area : areas)
      text += std::to_string (area) + " ";
    return text;
  }

  namespace
  {
    int
    grow (int x)
    {
      return x + 1;
    }
  }
}

int
main (int    argc,
      char **argv)
{
  std::vector<int> areas;
  auto twice = [] (int x) { return 2 * x; };

  for (int i = 0; i < argc + 3; i++)
    {
      shapes::Square<int> square (shapes::grow (i));

      areas.push_back (twice ((square + square).area ()));
    }
  std::printf ("%s\n", shapes::describe (areas).c_str ());
  return 0;
}
